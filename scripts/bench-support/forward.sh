# shellcheck shell=bash
# `scripts/bench forward` (sourced by scripts/bench): fetch, split, de-duplicate and write to the file sink.
#
# The simulator serves 200 blobs of 5,000 records of about 1 KB. Baseline: curl fetching the same blobs to
# /dev/null with the same concurrency as workers.concurrency, in the same run. ActivityHook: `backfill`
# queues the blobs (not timed), then `serve --no-poller` forwards them; the time runs from serve's ready
# line until the ledger holds every blob as done. Then one 100 MB blob alone, for the peak RSS.
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
  "$bin/activityhook-sim" --listen 127.0.0.1:0 --threads 2 --config "$dir/sim.yaml" >"$fifo" & local simpid=$!
  local ready; read -r ready <"$fifo"; rm -f "$fifo"
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

  # Baseline: the raw transfer, same blobs, same concurrency.
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

  forward_config "$dir/run1" "$url" "$tenant" "$app" $concurrency
  "$bin/activityhook" backfill --config "$dir/run1/activityhook.yaml" --since "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$dir/run1/backfill.log" 2>&1
  local seconds rss wal; read -r seconds rss wal < <(forward_run "$bin/activityhook" "$dir/run1" $blobs)
  local lines; lines=$(wc -l <"$dir/run1/records.jsonl")

  # One 100 MB blob alone: peak RSS.
  local big_uri
  big_uri=$(curl -s -X POST "$url/_sim/publish" -d "{\"tenant\":\"$tenant2\",\"contentType\":\"Audit.Exchange\",\"blobs\":1,\"recordsPerBlob\":$big_records,\"notify\":false}" \
    | grep -o '"contentUri":"[^"]*"' | sed 's/"contentUri":"\(.*\)"/\1/' | head -1)
  forward_config "$dir/run2" "$url" "$tenant2" "$app" $concurrency
  "$bin/activityhook" backfill --config "$dir/run2/activityhook.yaml" --since "$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)" >"$dir/run2/backfill.log" 2>&1
  # (backfill only records a job now: serve lists the blobs, so the size comes from the published URI)
  local big_bytes; big_bytes=$(curl -s -H "Authorization: Bearer $token2" "$big_uri" | wc -c)
  local big_seconds big_rss big_wal; read -r big_seconds big_rss big_wal < <(forward_run "$bin/activityhook" "$dir/run2" 1)
  stop_server $simpid

  local total=$((blobs * records))
  local rps; rps=$(awk -v n=$total -v s="$seconds" 'BEGIN {printf "%.0f", n/s}')
  local mbps; mbps=$(awk -v b="$bytes" -v n=$blobs -v s="$seconds" 'BEGIN {printf "%.1f", b*n/s/1e6}')
  local curl_mbps; curl_mbps=$(awk -v b="$bytes" -v n=$blobs -v s="$curl_best" 'BEGIN {printf "%.1f", b*n/s/1e6}')
  line="BENCH forward records_per_s=$rps mb_per_s=$mbps baseline_mb_per_s=$curl_mbps ratio=$(awk -v a="$mbps" -v b="$curl_mbps" 'BEGIN {printf "%.3f", a/b}') records=$total lines_written=$lines blob_mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}') concurrency=$concurrency rss_mb=$rss wal_peak_mb=$wal big_blob_mb=$(awk -v b="$big_bytes" 'BEGIN {printf "%.1f", b/1e6}') big_blob_rss_mb=$big_rss big_blob_seconds=$big_seconds"
}

# forward_config DIR URL TENANT APP CONCURRENCY: a serve config forwarding to one file sink.
forward_config() {
  mkdir -p "$1"
  cat >"$1/activityhook.yaml" <<YAML
server: { listen: "127.0.0.1:0", path: /activity-webhook, publicUrl: "http://127.0.0.1:9/activity-webhook", authId: "bench-auth-id-0123456789" }
state: { path: ./state.sqlite }
api: { apiRoot: "$2", loginUrl: "$2", publisherId: "$3" }
tenants: [ { tenantId: "$3", clientId: "$4", clientSecret: "bench", contentTypes: [Audit.Exchange] } ]
workers: { concurrency: $5 }
sinks: [ { name: archive, type: file, path: ./records.jsonl } ]
YAML
}

# forward_run CLI DIR BLOBS: runs serve until its workers have drained the queue; prints
# "seconds peak_rss_mb peak_wal_mb". The end is serve's own "work queue drained" log line (read through
# inotify by tail -f, so waiting costs nothing; polling the ledger with sqlite3 every 20 ms cost a quarter of
# a core on this 2-core machine). The WAL size is sampled every 200 ms.
forward_run() {
  local fifo="$2/ready.$$"; rm -f "$fifo"; mkfifo "$fifo"
  : >"$2/serve.log"
  "$1" serve --config "$2/activityhook.yaml" --no-poller --watchdog-interval 0 --log-level info --log-format json >"$fifo" 2>"$2/serve.log" & local pid=$!
  local ready; read -r ready <"$fifo"; rm -f "$fifo"
  local t0; t0=$(date +%s.%N)
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
  pkill -f "tail -n +1 -f $2/serve.log" 2>/dev/null || true
  local done; done=$(sqlite3 "$2/state.sqlite" "SELECT COUNT(*) FROM blobs WHERE state = 'done'" 2>/dev/null || echo 0)
  [ "$done" -ge "$3" ] || echo "bench: the queue drained with $done of $3 blobs done" >&2
  local rss; rss=$(peak_rss_mb $pid)
  stop_server $pid
  wait $sampler 2>/dev/null || true
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b-a}') $rss $(awk -v b="$(cat "$2/wal.peak" 2>/dev/null || echo 0)" 'BEGIN {printf "%.0f", b/1e6}')"
}
