#!/usr/bin/env bash
# bench/pages.sh — campaign-page throughput of `placard serve`, side by side
# with nginx serving the very same bytes, in one run.
#
# What it does:
#   1. builds placard and serves ./campaigns on 127.0.0.1 (a free port);
#   2. picks the heaviest campaign page (largest gzipped body) unless PAGE is
#      set, and saves its exact gzip response and its stylesheet;
#   3. starts Debian's nginx in the foreground (temp prefix, loopback only,
#      another free port) serving those same gzip bytes with gzip_static and
#      the same response headers placard sent;
#   4. starts bench/bare in its GET mode, a bare net/http handler writing
#      the same bytes and headers (the ceiling of Go's net/http here);
#   5. runs `wrk -t2 -c64 -d10s --latency -H 'Accept-Encoding: gzip'` against
#      each, alternating, RUNS times (default 3), and reads each server's
#      CPU time (user + system, from /proc; nginx's workers summed) around
#      each run: CPU µs per request changes much less than requests/s when
#      other work shares the machine;
#   6. prints the median requests/s of each, the ratio placard/nginx, the
#      median p50/p99 latency and CPU per request of each, and the page's
#      HTML+CSS gzipped size,
#      with issue 12's targets (ratio ≥ 0.60, placard p99 ≤ 10 ms) and
#      whether this run met them.
#
# Needs: go, curl, wrk and nginx (Debian: apt-get install wrk nginx).
# Only 127.0.0.1 is ever contacted; every run is bounded by DURATION.
# Usage: bench/pages.sh            (env: RUNS=3 DURATION=10s CONNS=64 THREADS=2 PAGE=/org/slug)
set -euo pipefail

cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}

for tool in go curl wrk nginx gzip; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is not installed (Debian: apt-get install wrk nginx curl)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/placard-bench.XXXXXX)
chmod 755 "$work" # nginx workers drop root; they must read the files
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# free_port prints a port on 127.0.0.1 that nothing is listening on.
free_port() {
	# Below the kernel's ephemeral range: a port there may be held by an
	# outgoing connection (wrk's, other programs') that a connect test
	# cannot see, and then listening on it fails.
	local p lo
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	[ "$lo" -gt 11000 ] 2>/dev/null || lo=32768
	for _ in $(seq 1 200); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "bench: no free port found" >&2
	return 1
}

# wait_http URL — wait up to 30 s for URL to answer, while the server
# started last is running.
wait_http() {
	for _ in $(seq 1 300); do
		curl -fsS -o /dev/null -H "Accept-Encoding: gzip" "$1" 2>/dev/null && return 0
		# Stop waiting if the server (the last one started) has exited.
		kill -0 "${pids[-1]}" 2>/dev/null || { echo "bench: the server for $1 exited" >&2; return 1; }
		sleep 0.1
	done
	echo "bench: $1 did not answer within 30 s" >&2
	return 1
}

# --- 1. placard -------------------------------------------------------------------
echo "bench: building placard…"
go build -o "$work/placard" ./cmd/placard
pport=$(free_port)
"$work/placard" serve --addr "127.0.0.1:$pport" --campaigns campaigns --db "$work/placard.db" \
	--base-url "http://127.0.0.1:$pport" >"$work/placard.log" 2>&1 &
pids+=($!)
P="http://127.0.0.1:$pport"
wait_http "$P/healthz" || { cat "$work/placard.log" >&2; exit 1; }

# --- 2. the page and its stylesheet, exactly as served ----------------------------------
fetch_gz() { # fetch_gz URL OUT — save the gzip body and headers; fail unless gzip and 200
	curl -sS --fail -H 'Accept-Encoding: gzip' -D "$2.headers" -o "$2" "$1"
	grep -qi '^content-encoding: *gzip' "$2.headers" || { echo "bench: $1 was not served gzipped" >&2; return 1; }
}
if [ -z "${PAGE:-}" ]; then
	best=0
	for f in campaigns/*/*.yaml; do
		org=$(basename "$(dirname "$f")") slug=$(basename "$f" .yaml)
		[ "$slug" = org ] && continue
		fetch_gz "$P/$org/$slug" "$work/try.gz" 2>/dev/null || continue # not a campaign page (or a draft)
		size=$(stat -c %s "$work/try.gz")
		if [ "$size" -gt "$best" ]; then best=$size PAGE="/$org/$slug"; fi
	done
	[ -n "${PAGE:-}" ] || { echo "bench: no campaign page answered 200 under $P" >&2; exit 1; }
fi
fetch_gz "$P$PAGE" "$work/page.html.gz"
css=$(gzip -dc "$work/page.html.gz" | grep -o '<link[^>]*rel="\?stylesheet"\?[^>]*>' | grep -o 'href="[^"]*"' | sed -n 1p | sed 's/^href="//; s/"$//')
[ -n "$css" ] || { echo "bench: no stylesheet link in $PAGE" >&2; exit 1; }
case "$css" in http*) css="/${css#*://*/}" ;; esac
fetch_gz "$P$css" "$work/style.css.gz"
html_gz=$(stat -c %s "$work/page.html.gz")
css_gz=$(stat -c %s "$work/style.css.gz")

# --- 3. nginx with the same bytes --------------------------------------------------------
nport=$(free_port)
while [ "$nport" = "$pport" ]; do nport=$(free_port); done
mkdir -p "$work/nginx/html" "$work/nginx/logs" "$work/nginx/tmp"
cp "$work/page.html.gz" "$work/nginx/html/page.html.gz"
gzip -dc "$work/page.html.gz" >"$work/nginx/html/page.html"
# Copy placard's own response headers (security headers, caching) so nginx
# sends as much; nginx makes its own Date, ETag, Content-* and Vary.
headers=$(tr -d '\r' <"$work/page.html.gz.headers" | sed 1d | grep -v '^$' |
	grep -viE '^(date|content-length|content-type|content-encoding|etag|last-modified|vary|connection|transfer-encoding):' |
	sed -E 's/"/\\"/g; s/^([^:]+): *(.*)$/\t\tadd_header \1 "\2" always;/')
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;   # one per core, as placard uses GOMAXPROCS = cores
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $work/nginx/tmp/body;
	proxy_temp_path $work/nginx/tmp/proxy;
	fastcgi_temp_path $work/nginx/tmp/fastcgi;
	uwsgi_temp_path $work/nginx/tmp/uwsgi;
	scgi_temp_path $work/nginx/tmp/scgi;
	types { text/html html; text/css css; }
	charset utf-8;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$nport;
		root $work/nginx/html;
		gzip_static on;
		gzip_vary on;
		location = /page.html {
$headers
		}
	}
}
EOF
nginx -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
N="http://127.0.0.1:$nport"
wait_http "$N/page.html" || { cat "$work/nginx/logs/error.log" >&2; exit 1; }
fetch_gz "$N/page.html" "$work/nginx.gz"
cmp -s "$work/page.html.gz" "$work/nginx.gz" || { echo "bench: nginx does not serve the same bytes as placard" >&2; exit 1; }

# --- 4. bare net/http with the same bytes ----------------------------------------------------
go build -o "$work/bare" ./bench/bare
bport=$(free_port)
while [ "$bport" = "$pport" ] || [ "$bport" = "$nport" ]; do bport=$(free_port); done
"$work/bare" -addr "127.0.0.1:$bport" -page "$work/page.html.gz" -headers "$work/page.html.gz.headers" >"$work/bare.log" 2>&1 &
pids+=($!)
B="http://127.0.0.1:$bport"
wait_http "$B$PAGE" || { cat "$work/bare.log" >&2; exit 1; }
fetch_gz "$B$PAGE" "$work/bare.gz"
cmp -s "$work/page.html.gz" "$work/bare.gz" || { echo "bench: bare does not serve the same bytes as placard" >&2; exit 1; }
declare -A spid=([placard]="${pids[0]}" [nginx]="${pids[1]}" [bare]="${pids[2]}")

# --- 5. wrk, alternating -------------------------------------------------------------------
hz=$(getconf CLK_TCK)
# cpu_ticks PID — user + system clock ticks of PID and its children
# (nginx's workers), as /proc has them now.
cpu_ticks() {
	local t=0 p
	for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		[ -r "/proc/$p/stat" ] || continue
		t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
	done
	echo "$t"
}
# to_ms VALUE — wrk prints 850.00us, 1.23ms or 1.02s.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
		printf "%.3f", n }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
bench_one() { # bench_one NAME URL RUN
	local out="$work/wrk.$1.$3" t0 t1 n cpu
	t0=$(cpu_ticks "${spid[$1]}")
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H 'Accept-Encoding: gzip' "$2" >"$out"
	t1=$(cpu_ticks "${spid[$1]}")
	if grep -q 'Non-2xx' "$out"; then echo "bench: $1 answered errors:" >&2; cat "$out" >&2; exit 1; fi
	local rps p50 p99
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	n=$(awk '/requests in/ { print $1 }' "$out")
	cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.2f", d * 1e6 / hz / n }')
	echo "$cpu" >>"$work/$1.cpu"
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	echo "$rps" >>"$work/$1.rps"
	echo "$p50" >>"$work/$1.p50"
	echo "$p99" >>"$work/$1.p99"
	printf '  run %d  %-8s %10.0f req/s   p50 %7.3f ms   p99 %7.3f ms   CPU %6.2f µs/request\n' "$3" "$1" "$rps" "$p50" "$p99" "$cpu"
}
echo "bench: page $PAGE — wrk -t$THREADS -c$CONNS -d$DURATION --latency -H 'Accept-Encoding: gzip', $RUNS runs each, alternating"
for i in $(seq 1 "$RUNS"); do
	bench_one placard "$P$PAGE" "$i"
	bench_one nginx "$N/page.html" "$i"
	bench_one bare "$B$PAGE" "$i"
done

# --- 6. summary ------------------------------------------------------------------------------
pr=$(median <"$work/placard.rps") nr=$(median <"$work/nginx.rps") br=$(median <"$work/bare.rps") pp99=$(median <"$work/placard.p99")
cat <<EOF

Placard campaign page $PAGE vs nginx (same bytes), medians of $RUNS runs
machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(go version | cut -d' ' -f3); $(nginx -v 2>&1 | cut -d' ' -f3); $(date -u +%Y-%m-%d)
                 req/s      p50 ms    p99 ms   CPU µs/request
  placard   $(printf '%10.0f  %8.3f  %8.3f  %8.2f' "$pr" "$(median <"$work/placard.p50")" "$(median <"$work/placard.p99")" "$(median <"$work/placard.cpu")")
  nginx     $(printf '%10.0f  %8.3f  %8.3f  %8.2f' "$nr" "$(median <"$work/nginx.p50")" "$(median <"$work/nginx.p99")" "$(median <"$work/nginx.cpu")")
  bare      $(printf '%10.0f  %8.3f  %8.3f  %8.2f' "$br" "$(median <"$work/bare.p50")" "$(median <"$work/bare.p99")" "$(median <"$work/bare.cpu")")   (net/http alone, bench/bare)
  ratio placard/nginx: $(awk -v a="$pr" -v b="$nr" 'BEGIN { printf "%.2f", a / b }')   (issue 12 target ≥ 0.60: $(awk -v a="$pr" -v b="$nr" 'BEGIN { print (a / b >= 0.6 ? "met" : "not met") }'))
  ratio placard/bare: $(awk -v a="$pr" -v b="$br" 'BEGIN { printf "%.2f", a / b }')   bare/nginx: $(awk -v a="$br" -v b="$nr" 'BEGIN { printf "%.2f", a / b }')
  placard p99: $(printf '%.3f' "$pp99") ms   (issue 12 target ≤ 10 ms: $(awk -v p="$pp99" 'BEGIN { print (p <= 10 ? "met" : "not met") }'); nginx p99 $(printf '%.3f' "$(median <"$work/nginx.p99")") ms)
  transfer: HTML $html_gz B + CSS $css_gz B gzipped = $(awk -v a="$html_gz" -v b="$css_gz" 'BEGIN { printf "%.1f", (a + b) / 1024 }') KiB   (target ≤ 30 KB)
  stylesheet: $css
EOF
