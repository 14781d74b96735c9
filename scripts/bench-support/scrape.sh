# shellcheck shell=bash
# `scripts/bench scrape`: does scraping /metrics and /healthz slow the webhook? Sourced by scripts/bench.
#
# serve (no workers) on a ledger pre-filled with ~100,000 blobs takes notifications at a fixed 1,000/s
# (the fixture's constant-rate client, latency from the intended send time) for SCRAPE_SECONDS, alternately
# alone and beside 200 scrapes/s (wrk: 8 connections, each a /metrics or /healthz GET every 40 ms, so at
# most 200/s). Two rounds of each; the p99s are the medians, the ratio is p99 beside scrapes / p99 alone.
bench_scrape() {
  local seconds="${SCRAPE_SECONDS:-10}" tenant="11111111-2222-3333-4444-555555555555" auth="bench-auth-id-0123456789"
  if ! "${build[@]}" --product activityhook >"$out/build-cli.log" 2>&1; then
    grep -E "error" "$out/build-cli.log" | head; echo "bench: release build failed"; exit 1
  fi
  local cli; cli="$("${build[@]}" --show-bin-path)/activityhook"
  rm -rf "$out/scrape"; mkdir -p "$out/scrape"
  cat >"$out/scrape/activityhook.yaml" <<YAML
server: { listen: "127.0.0.1:0", path: /activity-webhook, publicUrl: "https://hooks.example.com/activity-webhook", authId: "$auth" }
state: { path: ./state.sqlite }
api: { loginUrl: "http://127.0.0.1:9" }   # never leave the machine: the watchdog and poller fail fast on loopback
tenants: [ { tenantId: "$tenant", clientId: "66666666-7777-8888-9999-000000000000", clientSecret: "x", contentTypes: [Audit.General] } ]
sinks: [ { name: archive, type: file, path: ./records.jsonl } ]
YAML
  local created expiration
  created=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%S.000Z); expiration=$(date -u -d '+167 hours' +%Y-%m-%dT%H:%M:%S.000Z)
  cat >"$out/scrape-fill.lua" <<LUA
local counter, tid = 0, 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) tid = wrk.thread:get("tid") or math.random(1, 1000000) end
function request()
  counter = counter + 1
  local parts = {}
  for i = 1, 10 do
    local id = string.format("fill-w%d-%d-%d\$20261129", tid, counter, i)
    parts[i] = '{"tenantId":"$tenant","clientId":"66666666-7777-8888-9999-000000000000","contentType":"Audit.General","contentId":"' .. id ..
      '","contentUri":"https://manage.office.com/api/v1.0/$tenant/activity/feed/audit/' .. id ..
      '","contentCreated":"$created","contentExpiration":"$expiration"}'
  end
  return wrk.format("POST", "/activity-webhook", {["Content-Type"] = "application/json; utf-8", ["Webhook-AuthID"] = "$auth"},
                    "[" .. table.concat(parts, ",") .. "]")
end
LUA
  cat >"$out/scrape-get.lua" <<'LUA'
local n = 0
function request()
  n = n + 1
  return wrk.format("GET", (n % 2 == 0) and "/metrics" or "/healthz")
end
function delay() return 40 end
LUA
  local fifo="$out/ready.$$"; rm -f "$fifo"; mkfifo "$fifo"
  "$cli" serve --config "$out/scrape/activityhook.yaml" --no-workers --log-level error >"$fifo" & spid=$!
  read -r line <"$fifo"; rm -f "$fifo"
  sport=$(echo "$line" | sed -E 's/.*listen=[^:]+:([0-9]+).*/\1/')
  wrk -t2 -c16 -d12s -s "$out/scrape-fill.lua" "http://127.0.0.1:$sport/" >"$out/wrk.scrape.fill"
  local stored; stored=$(sqlite3 "$out/scrape/state.sqlite" "SELECT COUNT(*) FROM blobs" 2>/dev/null || echo 0)
  echo "ledger filled: $stored blobs"
  : >"$out/scrape.results"
  for round in 1 2; do
    for side in alone scraped; do
      local wpid=""
      if [ $side = scraped ]; then
        wrk -t1 -c8 -d$((seconds + 2))s -s "$out/scrape-get.lua" "http://127.0.0.1:$sport/" >"$out/wrk.scrape.$round" & wpid=$!
        sleep 1  # let the scrapers reach their rate before the measured load starts
      fi
      fixed=$("$fixture" rate-client "http://127.0.0.1:$sport/activity-webhook" "$auth" "$tenant" 1000 "$seconds" 1 | tail -1)
      local scrapes_per_s=0
      if [ -n "$wpid" ]; then
        wait "$wpid"; scrapes_per_s=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$out/wrk.scrape.$round")
      fi
      local p99; p99=$(echo "$fixed" | sed -E 's/.*p99_ms=([0-9.]+).*/\1/')
      echo "$side $p99 $scrapes_per_s" >>"$out/scrape.results"
      echo "round=$round $side: $fixed scrapes_per_s=$scrapes_per_s"
    done
  done
  local rss; rss=$(peak_rss_mb $spid)
  stop_server $spid
  local alone scraped rate
  alone=$(awk '$1=="alone" {print $2}' "$out/scrape.results" | median)
  scraped=$(awk '$1=="scraped" {print $2}' "$out/scrape.results" | median)
  rate=$(awk '$1=="scraped" {print $3}' "$out/scrape.results" | median)
  line="BENCH scrape fixed_rate=1000 p99_ms=$alone p99_scraped_ms=$scraped ratio=$(awk -v a="$scraped" -v b="$alone" 'BEGIN {printf "%.3f", a/b}') delta_ms=$(awk -v a="$scraped" -v b="$alone" 'BEGIN {printf "%.2f", a-b}') scrapes_per_s=$rate ledger_blobs=$stored rss_mb=$rss"
}
