/// A small pure-Swift gzip (RFC 1952) / DEFLATE (RFC 1951) decoder, so the Logs Ingestion fake
/// accepts `Content-Encoding: gzip` without a zlib module. Speed is secondary: bodies are ≤ 1 MB.
enum Gunzip {
    enum Outcome {
        case inflated([UInt8])
        /// The data inflates past the limit (decoding stopped there).
        case tooLarge
        case invalid
    }

    /// The decompressed bytes of gzip `data`, refusing to inflate past `limit` bytes.
    static func decompress(_ data: [UInt8], limit: Int) -> Outcome {
        guard data.count >= 18, data[0] == 0x1F, data[1] == 0x8B, data[2] == 8 else { return .invalid }
        let flags = data[3]
        var position = 10
        if flags & 0x04 != 0 {  // FEXTRA
            guard position + 2 <= data.count else { return .invalid }
            position += 2 + (Int(data[position]) | Int(data[position + 1]) << 8)
        }
        for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            while position < data.count && data[position] != 0 { position += 1 }
            position += 1
        }
        if flags & 0x02 != 0 { position += 2 }  // FHCRC
        guard position < data.count else { return .invalid }
        var inflater = Inflater(data: data, position: position, limit: limit)
        if let out = inflater.run() { return .inflated(out) }
        return inflater.overflowed ? .tooLarge : .invalid
    }
}

/// The DEFLATE state machine: a bit reader and canonical Huffman decoding (RFC 1951 §3.2).
private struct Inflater {
    let data: [UInt8]
    var position: Int
    var bitBuffer: UInt32 = 0
    var bitCount = 0
    let limit: Int
    var out: [UInt8] = []
    var overflowed = false

    init(data: [UInt8], position: Int, limit: Int) {
        self.data = data
        self.position = position
        self.limit = limit
    }

    /// A canonical Huffman code: symbol counts per length and symbols in code order.
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init?(lengths: [Int]) {
            for length in lengths { self.counts[length] += 1 }
            self.counts[0] = 0
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<16 { offsets[length] = offsets[length - 1] + self.counts[length - 1] }
            self.symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, length) in lengths.enumerated() where length != 0 {
                self.symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                               4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    mutating func bits(_ count: Int) -> Int? {
        while self.bitCount < count {
            guard self.position < self.data.count else { return nil }
            self.bitBuffer |= UInt32(self.data[self.position]) << UInt32(self.bitCount)
            self.position += 1
            self.bitCount += 8
        }
        let value = Int(self.bitBuffer & ((1 << UInt32(count)) - 1))
        self.bitBuffer >>= UInt32(count)
        self.bitCount -= count
        return value
    }

    mutating func decode(_ huffman: Huffman) -> Int? {
        var code = 0, first = 0, index = 0
        for length in 1..<16 {
            guard let bit = self.bits(1) else { return nil }
            code |= bit
            let count = huffman.counts[length]
            if code - count < first { return huffman.symbols[index + (code - first)] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        return nil
    }

    mutating func run() -> [UInt8]? {
        var last = 0
        while last == 0 {
            guard let final = self.bits(1), let type = self.bits(2) else { return nil }
            last = final
            switch type {
            case 0:
                self.bitBuffer = 0
                self.bitCount = 0
                guard self.position + 4 <= self.data.count else { return nil }
                let length = Int(self.data[self.position]) | Int(self.data[self.position + 1]) << 8
                self.position += 4
                guard self.position + length <= self.data.count else { return nil }
                guard self.out.count + length <= self.limit else { self.overflowed = true; return nil }
                self.out.append(contentsOf: self.data[self.position..<(self.position + length)])
                self.position += length
            case 1:
                let lengths = [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112)
                    + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
                guard let literal = Huffman(lengths: lengths), let distance = Huffman(lengths: [Int](repeating: 5, count: 30)),
                      self.block(literal, distance) else { return nil }
            case 2:
                guard let (literal, distance) = self.dynamicTables(), self.block(literal, distance) else { return nil }
            default: return nil
            }
        }
        return self.out
    }

    mutating func dynamicTables() -> (Huffman, Huffman)? {
        guard let hlit = self.bits(5), let hdist = self.bits(5), let hclen = self.bits(4) else { return nil }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<(hclen + 4) {
            guard let value = self.bits(3) else { return nil }
            codeLengths[order[index]] = value
        }
        guard let lengthCode = Huffman(lengths: codeLengths) else { return nil }
        var lengths: [Int] = []
        let total = hlit + 257 + hdist + 1
        while lengths.count < total {
            guard let symbol = self.decode(lengthCode) else { return nil }
            switch symbol {
            case 0..<16: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last, let repeatCount = self.bits(2) else { return nil }
                lengths += [Int](repeating: previous, count: repeatCount + 3)
            case 17:
                guard let repeatCount = self.bits(3) else { return nil }
                lengths += [Int](repeating: 0, count: repeatCount + 3)
            default:
                guard let repeatCount = self.bits(7) else { return nil }
                lengths += [Int](repeating: 0, count: repeatCount + 11)
            }
        }
        guard lengths.count == total, let literal = Huffman(lengths: Array(lengths[0..<(hlit + 257)])),
              let distance = Huffman(lengths: Array(lengths[(hlit + 257)...])) else { return nil }
        return (literal, distance)
    }

    mutating func block(_ literal: Huffman, _ distance: Huffman) -> Bool {
        while true {
            guard let symbol = self.decode(literal) else { return false }
            if symbol < 256 {
                guard self.out.count < self.limit else { self.overflowed = true; return false }
                self.out.append(UInt8(symbol))
            } else if symbol == 256 {
                return true
            } else {
                let index = symbol - 257
                guard index < 29, let extra = self.bits(Self.lengthExtra[index]),
                      let distanceSymbol = self.decode(distance), distanceSymbol < 30,
                      let distanceExtra = self.bits(Self.distanceExtra[distanceSymbol]) else { return false }
                let length = Self.lengthBase[index] + extra
                let back = Self.distanceBase[distanceSymbol] + distanceExtra
                guard back <= self.out.count else { return false }
                guard self.out.count + length <= self.limit else { self.overflowed = true; return false }
                let start = self.out.count - back
                for offset in 0..<length { self.out.append(self.out[start + offset]) }
            }
        }
    }
}
