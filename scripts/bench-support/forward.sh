# shellcheck shell=bash
# `scripts/bench forward` (sourced by scripts/bench): fetch, split, de-duplicate and write to the file sink,
# over plain HTTP and over HTTPS through an nginx TLS front with a test CA (issue 14, docs/tls-performance.md).
#
# The simulator serves 200 blobs of 5,000 records of about 1 KB, each blob's records spread over 90 minutes.
# `backfill` queues the blobs (not timed), then `serve --no-poller` forwards them; the time runs from serve's
# ready line until the file sink caught up with the spool. Each path runs FORWARD_ROUNDS times (default 3):
# plain HTTP straight to the simulator (the baseline), HTTPS over HTTP/1.1 (serve's default) and HTTPS over
# HTTP/2, and once HTTPS with a new connection per blob. CPU is serve's own user + system time. Then one
# 100 MB blob alone over HTTPS, for the peak RSS. BENCH_PERF=1 records a perf profile of every run.
bench_forward() {
  local tenant=11111111-1111-1111-1111-111111111111 app=22222222-2222-2222-2222-222222222222
  local tenant2=33333333-3333-3333-3333-333333333333  # holds the 100 MB blob alone
  local blobs=200 records=5000 concurrency=4 big_records=100000
  for product in activityhook activityhook-sim; do
    if ! "${build[@]}" --product "$product" >>"$out/build.log" 2>&1; then
      grep -E "error" "$out/build.log" | head -20; echo "bench: release build of $product failed"; exit 1
    fi
  done
  local bin; bin="$("${build[@]}" --show-bin-path)"
  local dir="$out/forward"; rm -rf "$dir"; mkdir -p "$dir"
  cat >"$dir/sim.yaml" <<YAML
settings: { tenantBudgetPerMinute: 100000000, startThrottleSeconds: 0, requireHTTPSWebhook: false, recordPadBytes: 420, pageSize: 1000 }
tenants:
  - id: $tenant
    apps: [ { clientId: $app, secret: bench } ]
  - id: $tenant2
    apps: [ { clientId: $app, secret: bench } ]
YAML
  local fifo="$dir/ready.$$"; rm -f "$fifo"; mkfifo "$fifo"
  "$bin/activityhook-sim" --listen 127.0.0.1:0 --threads 2 --config "$dir/sim.yaml" >"$fifo" & simpid=$!
  local ready; read -r ready <"$fifo"; rm -f "$fifo"
  tls_pid=""
  trap 'kill $simpid 2>/dev/null; [ -n "$tls_pid" ] && kill -QUIT $tls_pid 2>/dev/null; true' EXIT
  local url="${ready#*url=}"
  local token
  token=$(curl -s "$url/$tenant/oauth2/v2.0/token" -d "grant_type=client_credentials&client_id=$app&client_secret=bench&scope=https%3A%2F%2Fmanage.office.com%2F.default" \
    | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  curl -s -X POST -H "Authorization: Bearer $token" "$url/api/v1.0/$tenant/activity/feed/subscriptions/start?contentType=Audit.Exchange" >/dev/null
  local token2
  token2=$(curl -s "$url/$tenant2/oauth2/v2.0/token" -d "grant_type=client_credentials&client_id=$app&client_secret=bench&scope=https%3A%2F%2Fmanage.office.com%2F.default" \
    | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  curl -s -X POST -H "Authorization: Bearer $token2" "$url/api/v1.0/$tenant2/activity/feed/subscriptions/start?contentType=Audit.Exchange" >/dev/null
  curl -s -X POST "$url/_sim/publish" -d "{\"tenant\":\"$tenant\",\"contentType\":\"Audit.Exchange\",\"blobs\":$blobs,\"recordsPerBlob\":$records,\"notify\":false}" \
    | grep -o '"contentUri":"[^"]*"' | sed 's/"contentUri":"\(.*\)"/\1/' >"$dir/uris"
  [ "$(wc -l <"$dir/uris")" -eq "$blobs" ] || { echo "bench: the simulator published $(wc -l <"$dir/uris") blobs, not $blobs"; exit 1; }

  # Raw-transfer reference: curl fetching the same blobs, same concurrency (plain HTTP).
  : >"$dir/curl.cfg"
  while read -r uri; do printf 'url = "%s"\noutput = "/dev/null"\n' "$uri" >>"$dir/curl.cfg"; done <"$dir/uris"
  local bytes; bytes=$(curl -s -H "Authorization: Bearer $token" "$(head -1 "$dir/uris")" | wc -c)
  local curl_s=()
  for ((i = 0; i < 3; i++)); do
    local t0 t1; t0=$(date +%s.%N)
    curl -s --no-progress-meter --parallel --parallel-max $concurrency -H "Authorization: Bearer $token" -K "$dir/curl.cfg"
    t1=$(date +%s.%N)
    curl_s+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b-a}')")
  done
  local curl_best; curl_best=$(printf '%s\n' "${curl_s[@]}" | sort -n | head -1)

  # The TLS front (issue 14): nginx with a test CA in front of the same simulator, as Microsoft's API is
  # HTTPS-only. One server speaks HTTP/1.1 only, one offers HTTP/2 by ALPN as Microsoft's does.
  forward_tls_front "$dir/tls" "${url##*:}"
  local h1_port=$tls_h1_port h2_port=$tls_h2_port

  # The same 200 blobs forwarded again and again, each run into a new state directory: plain HTTP straight to
  # the simulator (the baseline), then HTTPS through the front over HTTP/1.1 and over HTTP/2, in rounds
  # (FORWARD_ROUNDS, default 3) so that each ratio is the median of per-round ratios on this noisy machine.
  # Then once with the front closing every connection after one request (new TLS handshakes throughout).
  # The simulator's baseURL decides the scheme, host and port of every contentUri it lists.
  local path base version seconds rss wal cpu lines round rounds=${FORWARD_ROUNDS:-3}
  : >"$dir/runs"
  for ((round = 1; round <= rounds; round++)); do
    # The order rotates each round, and every run starts after `sync` with the previous run's 2 GB (spool,
    # records, WAL) deleted, so no run pays for another's dirty pages being written back.
    local order=(plain https_h1 https_h2) k
    for ((k = 1; k < round; k++)); do order=("${order[@]:1}" "${order[0]}"); done
    [ $round -eq 1 ] && order+=(https_reconnect)
    for path in "${order[@]}"; do
      case $path in
        plain) base="$url"; version="" ;;
        https_h1) base="https://127.0.0.1:$h1_port"; version="1.1" ;;
        https_h2) base="https://127.0.0.1:$h2_port"; version="2" ;;
        https_reconnect) base="https://127.0.0.1:$tls_reconnect_port"; version="1.1" ;;
      esac
      curl -s -X POST "$url/_sim/configure" -d "{\"settings\":{\"baseURL\":\"$base\"}}" >/dev/null
      sync
      local run="$dir/$path.$round"
      forward_config "$run" "$base" "$tenant" "$app" $concurrency "$dir/tls/ca.pem" "$version"
      "$bin/activityhook" backfill --config "$run/activityhook.yaml" --since "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$run/backfill.log" 2>&1
      read -r seconds rss wal cpu < <(forward_run "$bin/activityhook" "$run" $blobs)
      lines=$(wc -l <"$run/records.jsonl")
      echo "$path $seconds $rss $wal $cpu $lines $round" >>"$dir/runs"
      echo "round $round $path: seconds=$seconds cpu_s=$cpu rss_mb=$rss lines=$lines" >&2
      rm -rf "$run/records.jsonl" "$run/spool" "$run"/state.sqlite*; sync
    done
  done

  # One 100 MB blob alone, over HTTPS (HTTP/1.1, the production path): peak RSS.
  curl -s -X POST "$url/_sim/configure" -d "{\"settings\":{\"baseURL\":\"https://127.0.0.1:$h1_port\"}}" >/dev/null
  local big_uri
  big_uri=$(curl -s -X POST "$url/_sim/publish" -d "{\"tenant\":\"$tenant2\",\"contentType\":\"Audit.Exchange\",\"blobs\":1,\"recordsPerBlob\":$big_records,\"notify\":false}" \
    | grep -o '"contentUri":"[^"]*"' | sed 's/"contentUri":"\(.*\)"/\1/' | head -1)
  forward_config "$dir/big" "https://127.0.0.1:$h1_port" "$tenant2" "$app" $concurrency "$dir/tls/ca.pem" "1.1"
  "$bin/activityhook" backfill --config "$dir/big/activityhook.yaml" --since "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$dir/big/backfill.log" 2>&1
  local big_bytes; big_bytes=$(curl -s --cacert "$dir/tls/ca.pem" -H "Authorization: Bearer $token2" "$big_uri" | wc -c)
  local big_seconds big_rss big_wal big_cpu; read -r big_seconds big_rss big_wal big_cpu < <(forward_run "$bin/activityhook" "$dir/big" 1)
  stop_server $simpid
  kill -QUIT "$tls_pid" 2>/dev/null || true; wait "$tls_pid" 2>/dev/null || true

  local total=$((blobs * records))
  # per path: median records/s, median CPU seconds of serve (user + system) per million records; per-round
  # ratios against the plain run of the same round
  perpath() { awk -v p="$1" -v c="$2" -v n=$total '$1 == p {print (c == "rps" ? n/$2 : $5/(n/1e6))}' "$dir/runs" | median; }
  ratio() { paste <(awk -v p="$1" '$1 == p' "$dir/runs") <(awk '$1 == "plain"' "$dir/runs") \
    | awk -v c="$2" '{print (c == "rps" ? $9/$2 : $5/$12)}' | median; }
  local plain_rps h1_rps h2_rps re_rps plain_cpm h1_cpm h2_cpm re_cpm
  plain_rps=$(perpath plain rps); h1_rps=$(perpath https_h1 rps); h2_rps=$(perpath https_h2 rps); re_rps=$(perpath https_reconnect rps)
  plain_cpm=$(perpath plain cpu); h1_cpm=$(perpath https_h1 cpu); h2_cpm=$(perpath https_h2 cpu); re_cpm=$(perpath https_reconnect cpu)
  # The production path is serve's default, HTTP/1.1 over TLS (api.httpVersion, docs/tls-performance.md).
  local f0='%.0f' f2='%.2f' f3='%.3f'
  local lines_bad; lines_bad=$(awk -v n=$total '$6 != n' "$dir/runs" | wc -l)
  line="BENCH forward records_per_s=$(printf $f0 "$h1_rps") cpu_s_per_million=$(printf $f2 "$h1_cpm")"
  line+=" plain_records_per_s=$(printf $f0 "$plain_rps") plain_cpu_s_per_million=$(printf $f2 "$plain_cpm")"
  line+=" tls_ratio=$(printf $f3 "$(ratio https_h1 rps)") tls_cpu_ratio=$(printf $f3 "$(ratio https_h1 cpu)")"
  line+=" h2_records_per_s=$(printf $f0 "$h2_rps") h2_cpu_s_per_million=$(printf $f2 "$h2_cpm") h2_tls_ratio=$(printf $f3 "$(ratio https_h2 rps)") h2_tls_cpu_ratio=$(printf $f3 "$(ratio https_h2 cpu)")"
  line+=" reconnect_records_per_s=$(printf $f0 "$re_rps") reconnect_cpu_s_per_million=$(printf $f2 "$re_cpm")"
  line+=" rounds=$rounds records=$total runs_with_missing_lines=$lines_bad blob_mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}') concurrency=$concurrency"
  line+=" raw_curl_mb_per_s=$(awk -v b="$bytes" -v n=$blobs -v s="$curl_best" 'BEGIN {printf "%.1f", b*n/s/1e6}')"
  line+=" rss_mb=$(awk '$1 == "https_h1" {print $3}' "$dir/runs" | median) big_blob_mb=$(awk -v b="$big_bytes" 'BEGIN {printf "%.1f", b/1e6}') big_blob_rss_mb=$big_rss big_blob_seconds=$big_seconds"
}

# forward_tls_front DIR SIM_PORT: a test CA, a server certificate for 127.0.0.1, and nginx (one process)
# proxying to the simulator: $tls_h1_port (HTTP/1.1), $tls_h2_port (HTTP/2 by ALPN); $tls_pid.
forward_tls_front() {
  mkdir -p "$1"; local d; d=$(realpath "$1")
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
    -days 2 -subj /CN=activityhook-bench-ca 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
    -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$d/ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -out "$d/server.pem" \
    -days 2 -extfile "$d/ext" 2>/dev/null
  tls_h1_port=$(forward_free_port); tls_h2_port=$(forward_free_port); tls_reconnect_port=$(forward_free_port)
  local tls="ssl_certificate $d/server.pem; ssl_certificate_key $d/server.key; ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:TLS:1m;"
  local proxy="location / { proxy_pass http://sim; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host \$host; proxy_buffering off; proxy_read_timeout 600s; }"
  cat >"$d/nginx.conf" <<NGINX
master_process off;
error_log $d/error.log warn;
pid $d/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $d/body; proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fcgi; uwsgi_temp_path $d/uwsgi; scgi_temp_path $d/scgi;
  keepalive_requests 100000;
  upstream sim { server 127.0.0.1:$2; keepalive 32; }
  server { listen 127.0.0.1:$tls_h1_port ssl; $tls $proxy }
  server { listen 127.0.0.1:$tls_h2_port ssl http2; $tls $proxy }
  server { listen 127.0.0.1:$tls_reconnect_port ssl; keepalive_requests 1; ssl_session_tickets on; $tls $proxy }
}
NGINX
  /usr/sbin/nginx -p "$d" -c "$d/nginx.conf" -g "daemon off;" & tls_pid=$!
  local i; for ((i = 0; i < 100; i++)); do
    curl -s --cacert "$d/ca.pem" -o /dev/null "https://127.0.0.1:$tls_h2_port/_sim/health" && return 0
    sleep 0.05
  done
  echo "bench: nginx did not start (see $d/error.log)"; exit 1
}

forward_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# forward_config DIR URL TENANT APP CONCURRENCY CA_FILE HTTP_VERSION: a serve config forwarding to one file
# sink; the CA file and HTTP version apply to https URLs only.
forward_config() {
  mkdir -p "$1"
  local extra=""
  case "$2" in https:*) extra=", caFile: \"$(realpath "$6")\", httpVersion: \"$7\"" ;; esac
  cat >"$1/activityhook.yaml" <<YAML
server: { listen: "127.0.0.1:0", path: /activity-webhook, publicUrl: "http://127.0.0.1:9/activity-webhook", authId: "bench-auth-id-0123456789" }
state: { path: ./state.sqlite }
api: { apiRoot: "$2", loginUrl: "$2", publisherId: "$3"$extra }
tenants: [ { tenantId: "$3", clientId: "$4", clientSecret: "bench", contentTypes: [Audit.Exchange] } ]
workers: { concurrency: $5 }
sinks: [ { name: archive, type: file, path: ./records.jsonl } ]
YAML
}

# forward_run CLI DIR BLOBS: runs serve until its workers have drained the queue; prints
# "seconds peak_rss_mb peak_wal_mb cpu_s". The end is serve's own "work queue drained" log line (read through
# inotify by tail -f, so waiting costs nothing; polling the ledger with sqlite3 every 20 ms cost a quarter of
# a core on this 2-core machine). The WAL size is sampled every 200 ms.
forward_run() {
  local fifo="$2/ready.$$"; rm -f "$fifo"; mkfifo "$fifo"
  : >"$2/serve.log"
  "$1" serve --config "$2/activityhook.yaml" --no-poller --watchdog-interval 0 --log-level info --log-format json >"$fifo" 2>"$2/serve.log" & local pid=$!
  local ready; read -r ready <"$fifo"; rm -f "$fifo"
  local t0; t0=$(date +%s.%N)
  # BENCH_PERF=1 profiles serve during the run (perf record, call graphs): DIR/perf.data.
  local perfpid=""
  if [ -n "${BENCH_PERF:-}" ]; then perf record -F 499 -g -p $pid -o "$2/perf.data" 2>/dev/null & perfpid=$!; fi
  ( peak=0; while kill -0 $pid 2>/dev/null; do
      size=$(stat -c %s "$2/state.sqlite-wal" 2>/dev/null || echo 0); [ "$size" -gt "$peak" ] && peak=$size
      echo "$peak" >"$2/wal.peak"; sleep 0.2
    done ) &
  local sampler=$!
  # Done when the fetch stage drained the queue and the file sink's loop caught up with the spool as it
  # stood then (docs/spool.md): every record is in the file.
  local end; end=$(grep -m1 "work queue drained" <(timeout 1800 tail -n +1 -f "$2/serve.log") | sed -n 's/.*"spoolEnd":"\([0-9]*\)".*/\1/p')
  # (read line by line in bash: mawk would wait for a full block of a pipe's input)
  local logline reached
  while IFS= read -r logline; do
    [[ $logline == *'sink caught up with the spool'* ]] || continue
    reached=$(sed -n 's/.*"spoolEnd":"\([0-9]*\)".*/\1/p' <<<"$logline")
    [ "${reached:-0}" -ge "${end:-0}" ] && break
  done < <(timeout 1800 tail -n +1 -f "$2/serve.log")
  local t1; t1=$(date +%s.%N)
  if [ -n "$perfpid" ]; then kill -INT $perfpid; wait $perfpid 2>/dev/null || true; fi
  pkill -f "tail -n +1 -f $2/serve.log" 2>/dev/null || true
  local done; done=$(sqlite3 "$2/state.sqlite" "SELECT COUNT(*) FROM blobs WHERE state = 'done'" 2>/dev/null || echo 0)
  [ "$done" -ge "$3" ] || echo "bench: the queue drained with $done of $3 blobs done" >&2
  local rss; rss=$(peak_rss_mb $pid)
  # CPU seconds of serve itself, user + system (fields 14 and 15 of /proc/PID/stat, in clock ticks)
  local cpu; cpu=$(awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$pid/stat")
  stop_server $pid
  wait $sampler 2>/dev/null || true
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b-a}') $rss $(awk -v b="$(cat "$2/wal.peak" 2>/dev/null || echo 0)" 'BEGIN {printf "%.0f", b/1e6}') $cpu"
}
