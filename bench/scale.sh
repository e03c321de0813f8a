#!/usr/bin/env bash
# bench/scale.sh — how `placard check` and `placard serve` scale with the
# number of campaigns: check time, start time, resident memory, memory
# during and after a reload, reload time and page latency (issue 12).
#
# Usage: bench/scale.sh N…        e.g. bench/scale.sh 100 1000 3000 10000
#   env: PER_ORG=25 DURATION=5s CONNS=64 THREADS=2 READS=20 TIMEOUT=600
#        PAGE=/northgate-tenants/tell-the-courier
#        EXAMPLES=org,org… (copy only these example organisations; default all)
#        EDIT=TEXT (before the reload, add a comment to the first campaign
#        file whose path holds TEXT, such as EDIT=shared-shore-1/: a reload
#        after one organiser's edit; default none, a reload of unchanged files)
#
# What it does:
#   1. builds placard and bench/scalegen;
#   2. a baseline run with the examples only (./campaigns, B campaigns), then
#      one run per N: bench/scalegen writes N campaigns in a temp folder —
#      the examples as they are plus N − B copies of them, in new
#      organisations of about PER_ORG campaigns, each a copy of one example
#      organisation in turn (distinct slugs and short addresses; see
#      bench/scalegen) — and `placard check` must find no problems;
#   3. per run it measures, on 127.0.0.1 only:
#        check    wall time of `placard check DIR`;
#        start    wall time from starting `placard serve` (a fresh SQLite
#                 file, port chosen by serve) until /readyz answers 200;
#        RSS      VmRSS of /proc/PID/status once started and settled: READS
#                 campaign pages spread over the site, read gzipped and
#                 plain, then the page below;
#        KB/camp  (RSS − RSS of the baseline) ÷ (N − B): what each campaign
#                 beyond the examples adds (cold: pages are rendered on
#                 their first request);
#        warm     VmRSS once every campaign page has been read once,
#                 gzipped (each then rendered and kept), and warm KB/camp
#                 as above from it; the reload below starts from there;
#        reload   one SIGHUP: the time from the signal to serve's log line
#                 "msg=reloaded" (its own timestamp; serve logs that line
#                 once the new site serves, "reload refused" or "reload
#                 failed" otherwise, which stops the script);
#        peak     VmHWM during the reload: the high-water mark is reset
#                 (echo 5 > /proc/PID/clear_refs) just before the signal;
#                 where the kernel refuses that, the peak since start;
#        after    VmRSS after the reload, settled the same way as RSS;
#        peak÷RSS the reload's peak over the steady RSS before it;
#        req/s, p50, p99  wrk -tTHREADS -cCONNS -dDURATION --latency with
#                 Accept-Encoding: gzip on PAGE (the same page in every run,
#                 an example's, so the figures compare);
#   4. prints one line per run as it finishes and the table at the end,
#      with issue 12's targets.
#
# Every wait (and check) is bounded by TIMEOUT seconds; serve is stopped and the temp
# folder removed after each run and on exit. Memory grows with N: at the
# time of writing 10,000 campaigns took several GB, twice that during a
# reload. Needs: go, curl, wrk.
set -euo pipefail

cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
PER_ORG=${PER_ORG:-25}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
READS=${READS:-20}
TIMEOUT=${TIMEOUT:-600}
PAGE=${PAGE:-/northgate-tenants/tell-the-courier}
EXAMPLES=${EXAMPLES:-}
EDIT=${EDIT:-}

[ $# -gt 0 ] || { echo "usage: bench/scale.sh N…   (such as bench/scale.sh 100 1000 3000 10000)" >&2; exit 2; }
for n in "$@"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "bench: $n is not a number of campaigns" >&2; exit 2; }
done
for tool in go curl wrk timeout; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is not installed (Debian: apt-get install wrk curl)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/placard-scale.XXXXXX)
server=""
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s%N; }
# secs FROM TO — nanoseconds to seconds, 2 decimals.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
# status_kb PID FIELD — VmRSS or VmHWM in kB.
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# cpu_s PID — user + system CPU seconds the process has used so far.
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat"; }
# minus A B — A − B, 2 decimals.
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
to_ms() { # wrk prints 850.00us, 1.23ms or 1.02s
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# wait_for DESCRIPTION COMMAND… — run COMMAND every 20 ms until it succeeds,
# while serve runs, for at most TIMEOUT seconds.
wait_for() {
	local what=$1 deadline=$(($(date +%s) + TIMEOUT))
	shift
	until "$@"; do
		kill -0 "$server" 2>/dev/null || { echo "bench: serve exited while waiting for $what:" >&2; tail -n 20 "$log" >&2; exit 1; }
		[ "$(date +%s)" -lt "$deadline" ] || { echo "bench: no $what within $TIMEOUT s" >&2; tail -n 20 "$log" >&2; exit 1; }
		sleep 0.02
	done
}

# settle — read READS campaign pages spread over the site, gzipped and
# plain, and PAGE: what a few first visitors do.
settle() {
	local i=0 step
	step=$((${#pages[@]} / READS))
	[ "$step" -gt 0 ] || step=1
	for ((i = 0; i < ${#pages[@]}; i += step)); do
		curl -fsS -o /dev/null -H 'Accept-Encoding: gzip' "$U${pages[$i]}" || { echo "bench: ${pages[$i]} did not answer" >&2; exit 1; }
		curl -fsS -o /dev/null "$U${pages[$i]}" || { echo "bench: ${pages[$i]} did not answer" >&2; exit 1; }
	done
	curl -fsS -o /dev/null -H 'Accept-Encoding: gzip' "$U$PAGE" || { echo "bench: $PAGE did not answer" >&2; exit 1; }
}

# warm_all — read every campaign page once, gzipped, over one connection.
warm_all() {
	local cfg="$work/run/warm.curl" p
	: >"$cfg"
	for p in "${pages[@]}"; do
		printf 'url = "%s%s"\noutput = "/dev/null"\n' "$U" "$p" >>"$cfg"
	done
	curl -fsS -H 'Accept-Encoding: gzip' -K "$cfg" || { echo "bench: a campaign page did not answer while warming" >&2; exit 1; }
}

echo "bench: building placard and bench/scalegen…"
go build -o "$work/placard" ./cmd/placard
go build -o "$work/scalegen" ./bench/scalegen
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

declare -a rows
base_rss="" base_warm="" base_n="" any_note=""
# run LABEL N — one measured run over N campaigns (0: the examples only).
run() {
	local label=$1 n=$2 dir="$work/run/campaigns" t0 t1 line
	rm -rf "$work/run"
	mkdir -p "$work/run"
	"$work/scalegen" -examples campaigns -out "$dir" -n "$n" -per-org "$PER_ORG" -only "$EXAMPLES" >"$work/run/gen.txt"
	local total orgs
	total=$(sed -n 's/^scalegen: \([0-9]*\) campaigns in \([0-9]*\) .*/\1/p' "$work/run/gen.txt")
	orgs=$(sed -n 's/^scalegen: \([0-9]*\) campaigns in \([0-9]*\) .*/\2/p' "$work/run/gen.txt")
	mapfile -t pages < <(cd "$dir" && find . -mindepth 2 -maxdepth 2 -name '*.yaml' ! -name org.yaml | sed 's/^\.//; s/\.yaml$//' | sort)

	# check
	t0=$(now)
	timeout "$TIMEOUT" "$work/placard" check "$dir" >"$work/run/check.txt" 2>&1 || { echo "bench: placard check failed or took over $TIMEOUT s:" >&2; tail -n 20 "$work/run/check.txt" >&2; exit 1; }
	t1=$(now)
	local check_s
	check_s=$(secs "$t0" "$t1")

	# start
	log="$work/run/serve.log"
	t0=$(now)
	"$work/placard" serve --addr 127.0.0.1:0 --campaigns "$dir" --db "$work/run/placard.db" --log-level info 2>"$log" >&2 &
	server=$!
	wait_for "listening line" grep -q 'msg=listening' "$log"
	U="http://$(sed -n 's/.*msg=listening addr=\([^ ]*\).*/\1/p' "$log" | head -n 1)"
	wait_for "/readyz" curl -fsS -o /dev/null "$U/readyz"
	t1=$(now)
	local start_s rss hwm_start start_cpu
	start_cpu=$(cpu_s "$server")
	start_s=$(secs "$t0" "$t1")
	hwm_start=$(status_kb "$server" VmHWM)
	settle
	rss=$(status_kb "$server" VmRSS)
	warm_all
	# The server gives memory back 2 s after the first of a burst of
	# first-request renderings, then at most once per 30 s while they go
	# on (internal/site/lazypage.go): measure once the last one has.
	sleep 33
	local warm
	warm=$(status_kb "$server" VmRSS)

	# reload
	local peak_note="" reloads peak after reload_s cpu0 reload_cpu
	if [ -n "$EDIT" ]; then
		# One organiser's edit: a comment added to the first campaign file
		# whose path holds EDIT.
		local edited
		edited=$(cd "$dir" && find . -mindepth 2 -maxdepth 2 -name '*.yaml' ! -name org.yaml | sort | grep -F -m 1 -- "$EDIT" || true)
		[ -n "$edited" ] || { echo "bench: no campaign file matches EDIT=$EDIT" >&2; exit 1; }
		# scalegen links the examples' files: edit a copy of its own.
		cp "$dir/$edited" "$dir/$edited.new"
		printf '\n# an edit\n' >>"$dir/$edited.new"
		mv "$dir/$edited.new" "$dir/$edited"
	fi
	if ! echo 5 >"/proc/$server/clear_refs" 2>/dev/null; then peak_note="*" any_note=1; fi
	reloads=$(grep -c 'msg=reloaded' "$log" || true)
	cpu0=$(cpu_s "$server")
	t0=$(now)
	kill -HUP "$server"
	reload_done() {
		grep -q 'msg="reload refused\|msg="reload failed' "$log" && { echo "bench: the reload did not serve:" >&2; tail -n 20 "$log" >&2; exit 1; }
		[ "$(grep -c 'msg=reloaded' "$log" || true)" -gt "$reloads" ]
	}
	wait_for "reload" reload_done
	line=$(grep 'msg=reloaded' "$log" | tail -n 1)
	t1=$(date -d "$(sed -n 's/^time=\([^ ]*\).*/\1/p' <<<"$line")" +%s%N 2>/dev/null || now)
	reload_s=$(secs "$t0" "$t1")
	peak=$(status_kb "$server" VmHWM)
	reload_cpu=$(minus "$(cpu_s "$server")" "$cpu0")
	settle
	after=$(status_kb "$server" VmRSS)

	# page latency
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H 'Accept-Encoding: gzip' "$U$PAGE" >"$work/run/wrk.txt"
	if grep -q 'Non-2xx' "$work/run/wrk.txt"; then echo "bench: $PAGE answered errors:" >&2; cat "$work/run/wrk.txt" >&2; exit 1; fi
	local rps p50 p99
	rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/run/wrk.txt")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$work/run/wrk.txt")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$work/run/wrk.txt")")

	kill "$server"
	wait "$server" 2>/dev/null || true
	server=""
	rm -rf "$work/run"

	local per="-" per_warm="-"
	if [ -z "$base_rss" ]; then
		base_rss=$rss base_warm=$warm base_n=$total
	elif [ "$total" -gt "$base_n" ]; then
		per=$(awk -v r="$rss" -v b="$base_rss" -v n="$total" -v bn="$base_n" 'BEGIN { printf "%.0f", (r - b) / (n - bn) }')
		per_warm=$(awk -v r="$warm" -v b="$base_warm" -v n="$total" -v bn="$base_n" 'BEGIN { printf "%.0f", (r - b) / (n - bn) }')
	fi
	rows+=("$(printf "$fmt" "$label" "$total" "$orgs" "$check_s" "$start_s" "$start_cpu" "$(mb "$hwm_start")" "$(mb "$rss")" "$per" \
		"$(mb "$warm")" "$per_warm" "$reload_s" "$reload_cpu" "$(mb "$peak")$peak_note" "$(mb "$after")" \
		"$(awk -v p="$peak" -v r="$warm" 'BEGIN { printf "%.2f", p / r }')" "$rps" "$p50" "$p99")")
	echo "bench: ${rows[-1]}"
}

fmt='%-9s %9s %5s %7s %7s %7s %7s %7s %7s %7s %7s %8s %7s %8s %7s %8s %7s %7s %7s'
# The same widths; ÷ is two bytes, so its column is one wider for printf.
hfmt='%-9s %9s %5s %7s %7s %7s %7s %7s %7s %7s %7s %8s %7s %8s %7s %9s %7s %7s %7s'
header=$(printf "$hfmt" \
	run campaigns orgs "check s" "start s" "cpu s" "HWM MB" "RSS MB" "KB/camp" "warm MB" "KB/warm" "reload s" "cpu s" "peak MB" "after" "peak÷warm" "req/s" "p50 ms" "p99 ms")
echo "bench: $header"
run baseline 0
for n in "$@"; do
	run "N=$n" "$n"
done

echo
echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(go env GOVERSION), PER_ORG=$PER_ORG, copies of ${EXAMPLES:-every example}, reload after ${EDIT:+an edit of a file matching }${EDIT:-no change}, page $PAGE, wrk -t$THREADS -c$CONNS -d$DURATION, load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$header"
for r in "${rows[@]}"; do echo "$r"; done
cat <<EOF
  start s, reload s: wall time; cpu s: the server's user + system CPU seconds over the same span (reload: until the line is read, a little after)
  HWM: peak memory while starting; RSS: steady after start and $READS page reads; KB/camp = (RSS − baseline RSS) ÷ (campaigns − baseline campaigns)
  warm: RSS once every campaign page was read once (gzipped); KB/warm as KB/camp from it; the reload follows, peak÷warm is over it
  peak: VmHWM during one SIGHUP reload$([ -z "$any_note" ] || echo " (*: since start, the kernel refused to reset it)"); after: VmRSS once reloaded and read again
  issue 12 targets: KB/warm ≤ 64 at 3,000; peak÷warm ≤ 1.25; start and reload ≤ 1 s per 1,000 campaigns; page p99 ≤ 10 ms
EOF
