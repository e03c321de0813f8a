#!/usr/bin/env bash
# bench/sign.sh — end-to-end signing throughput of `placard serve`: form POST
# to 303 over real HTTP, 64 concurrent signers, on SQLite and on PostgreSQL,
# beside the disk's raw fsync rate measured in the same run.
#
# What it does:
#   1. builds placard and bench/fsync; measures fsync/s in the work folder
#      (the same disk as the SQLite file and the PostgreSQL cluster);
#   2. for each engine (ENGINES, default "sqlite postgres"):
#        - SQLite: a fresh database file in a temporary folder;
#        - PostgreSQL: a throwaway cluster (initdb as the postgres user when
#          run as root) listening only on a unix socket in the work folder,
#          default settings (fsync on, synchronous_commit on);
#      starts `placard serve` on a free 127.0.0.1 port with a rate limit far
#      above the load, fetches the petition page, reads the form's action and
#      token, waits 3.2 s (tokens are refused when younger than 3 s), then runs
#        wrk -t2 -c64 -d20s --latency -s bench/sign.lua
#      where every request signs with an email no other request uses;
#   3. counts the signatures stored (placard signatures export) and checks
#      that it is at least the number of "signed" answers;
#   4. prints, per engine: signatures/s, p50, p99, non-303 answers,
#      fsync/s and the ratio signatures/s ÷ fsync/s;
#   5. and the reference of issue 12: a BARE net/http handler (bench/bare:
#      parses the same form POST, checks the same fields are there, answers
#      303 to the thank-you page, stores nothing) on its own free 127.0.0.1
#      port, measured with the same wrk settings and the same sign.lua (the
#      same form body, action and token) right before each engine's run —
#      bare, sqlite, bare, postgres: alternating, so each ratio compares two
#      runs made a few seconds apart. The bare run happens while the engine's
#      placard is started and idle (it fills the 3 s the token must age). It
#      prints the bare handler's requests/s and p99 and the ratio
#      signatures/s ÷ bare requests/s per engine (issue 12's target: ≥ 0.6).
#      BARE=0 skips it.
#   5b. and the durable floor (bench/bare -durable: the same handler, but it
#      answers only once the signature's bytes are written to a log in the
#      work folder and fdatasync'd, gathered by one writer as placard's
#      group commit gathers them; nothing indexed, deduplicated or counted),
#      measured the same way right after the bare run. durable ÷ bare is the
#      most any server that keeps what it acknowledges reaches on this
#      machine; engine ÷ durable is how close placard comes to that.
#      DURABLE=0 skips it (BARE=0 skips it too).
#   6. the CPU time each process spent per request during its wrk run
#      (utime + stime from /proc/PID/stat, before and after): placard's per
#      signature, its PostgreSQL cluster's (the postmaster and its
#      backends) per signature, the bare handler's per request, and
#      placard's read and write system calls per signature
#      (/proc/PID/io). Unlike requests/s, these barely move when other
#      programs load the machine, so trees can be compared on a busy one:
#      on a quiet machine throughput is about the cores wrk leaves over
#      divided by the CPU per signature.
#
# Needs: go, curl, wrk; PostgreSQL server binaries for the postgres run
# (Debian: apt-get install wrk curl postgresql). Only 127.0.0.1 and unix
# sockets are used; every run is bounded by DURATION.
# Usage: bench/sign.sh   (env: ENGINES="sqlite postgres" DURATION=20s CONNS=64 THREADS=2
#                         PAGE=/northgate-tenants/tell-the-courier PGBIN=/usr/lib/postgresql/15/bin
#                         BARE=1 (0: no bare reference run)
#                         DURABLE=1 (0: no durable-floor reference run)
#                         OUTBOX=1 to sign with the outbox on: placard gets --smtp pointing at
#                         bench/smtpsink (a real SMTP server on loopback that discards), so
#                         every signature writes its thank-you email to the outbox in its own
#                         transaction and the delivery worker sends it during the run)
#                         PROFILE=1 to sample the CPU with perf during each run and print the
#                         hottest processes and functions; the perf data is kept in PROFILE_DIR)
set -euo pipefail

cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
ENGINES=${ENGINES:-sqlite postgres}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
PAGE=${PAGE:-/northgate-tenants/tell-the-courier}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
BARE=${BARE:-1}
DURABLE=${DURABLE:-1}
[ "$BARE" != 0 ] || DURABLE=0
OUTBOX=${OUTBOX:-0}

for tool in go curl wrk; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is not installed (Debian: apt-get install wrk curl)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/placard-sign.XXXXXX)
chmod 755 "$work"
pids=()
pgdata=""
sinkpid=""
cleanup() {
	if [ -n "$sinkpid" ]; then
		kill "$sinkpid" 2>/dev/null || true
		wait "$sinkpid" 2>/dev/null || true
		echo "bench: outbox: $(grep -o '[0-9]* messages' "$work/smtpsink.log" || echo 'no count from') bench/smtpsink received (the worker keeps delivering after wrk stops)"
	fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then pg_as "$PGBIN/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# pg_as runs a PostgreSQL program as the postgres user when we are root
# (initdb and postgres refuse to run as root), else as ourselves.
pg_as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

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

wait_http() {
	for _ in $(seq 1 300); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		# Stop waiting if the server (the last one started) has exited.
		kill -0 "${pids[-1]}" 2>/dev/null || { echo "bench: the server for $1 exited" >&2; return 1; }
		sleep 0.1
	done
	echo "bench: $1 did not answer within 30 s" >&2
	return 1
}

# input_value FILE NAME — the value of the form input named NAME in FILE.
input_value() {
	grep -o "<input[^>]*name=\"$2\"[^>]*>" "$1" | head -n 1 | sed -n 's/.*value="\([^"]*\)".*/\1/p'
}

# cpu_ticks PID… — the CPU time (user + system, clock ticks) the processes
# have used so far; processes gone count nothing.
cpu_ticks() {
	local t=0 p f
	for p in "$@"; do
		f=$(cut -d')' -f2- "/proc/$p/stat" 2>/dev/null) || continue
		t=$((t + $(awk '{ print $12 + $13 }' <<<"$f")))
	done
	echo "$t"
}

# pg_pids — the running cluster's postmaster and its children (backends,
# WAL writer, checkpointer…).
pg_pids() {
	local pm
	pm=$(head -n 1 "$pgdata/postmaster.pid" 2>/dev/null) || return 0
	echo "$pm" $(pgrep -P "$pm" 2>/dev/null || true)
}

# io_calls PID — "syscr syscw" of the process so far.
io_calls() {
	awk '/^syscr:/ { r = $2 } /^syscw:/ { w = $2 } END { print r + 0, w + 0 }' "/proc/$1/io" 2>/dev/null || echo "0 0"
}

# per_req TICKS REQUESTS — microseconds of CPU per request.
per_req() {
	awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.0f", t / hz * 1e6 / n; else printf "-" }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: building placard, bench/fsync and bench/bare…"
go build -o "$work/placard" ./cmd/placard
go build -o "$work/fsync" ./bench/fsync
go build -o "$work/bare" ./bench/bare
mailflags=()
if [ "$OUTBOX" = 1 ]; then
	go build -o "$work/smtpsink" ./bench/smtpsink
	"$work/smtpsink" -addr 127.0.0.1:0 >"$work/smtpsink.log" 2>&1 &
	sinkpid=$!
	M=""
	for _ in $(seq 1 300); do
		M=$(sed -n 's/^smtpsink: listening on \(127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/smtpsink.log")
		[ -n "$M" ] && break
		sleep 0.1
	done
	[ -n "$M" ] || { echo "bench: bench/smtpsink did not start:" >&2; cat "$work/smtpsink.log" >&2; exit 1; }
	mailflags=(--smtp "smtp://$M?tls=off" --mail-from "Bench <bench@bench.example>" --mail-rate 0)
	echo "bench: outbox on: every signature queues a thank-you email, delivered to bench/smtpsink at $M"
fi
fsync_line=$("$work/fsync" -dir "$work" -d 5s)
fsync_rate=$(sed -n 's/^fsync\/s \([0-9]*\).*/\1/p' <<<"$fsync_line")
echo "bench: disk: $fsync_line"

# start_reference NAME [FLAGS…] — starts bench/bare with FLAGS on a port it
# picks itself, its log in $work/NAME.log; sets REF_URL and REF_PID. A
# reference idles between its runs.
start_reference() {
	local name=$1
	shift
	"$work/bare" -addr 127.0.0.1:0 "$@" >"$work/$name.log" 2>&1 &
	REF_PID=$!
	pids+=("$REF_PID")
	REF_URL=""
	for _ in $(seq 1 300); do
		REF_URL=$(sed -n 's/^bare: listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/$name.log")
		[ -n "$REF_URL" ] && break
		sleep 0.1
	done
	[ -n "$REF_URL" ] || { echo "bench: bench/bare $* did not start:" >&2; cat "$work/$name.log" >&2; exit 1; }
}
if [ "$BARE" != 0 ]; then
	start_reference bare
	B=$REF_URL barepid=$REF_PID
fi
# The durable floor keeps its log in the work folder (the disk the databases use).
if [ "$DURABLE" != 0 ]; then
	mkdir -p "$work/durable"
	start_reference durable -durable "$work/durable"
	D=$REF_URL durpid=$REF_PID
fi

# run_reference NAME URL PID — the engine's wrk run (same settings, script,
# form body, action and token) against a reference server; sets REF_LINE
# (sign.lua's SIGN line) and REF_CPU (the reference's µs of CPU a request).
run_reference() {
	local name=$1 url=$2 pid=$3 t0 t1 n
	echo "bench: $engine: $name: wrk -t$THREADS -c$CONNS -d$DURATION --latency -s bench/sign.lua $url$PAGE/sign"
	t0=$(cpu_ticks "$pid")
	SIGN_PATH="$PAGE/sign" SIGN_ACTION="$action" SIGN_TOKEN="$token" SIGN_RUN="$name$RANDOM" \
		wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/sign.lua "$url$PAGE/sign" | tee "$work/wrk-$name-$engine.txt"
	t1=$(cpu_ticks "$pid")
	REF_LINE=$(grep '^SIGN ' "$work/wrk-$name-$engine.txt")
	n=$(sed -n 's/.* requests=\([^ ]*\).*/\1/p' <<<"$REF_LINE")
	[ "${n:-0}" -gt 0 ] || { echo "bench: $name: wrk completed no request" >&2; cat "$work/$name.log" >&2; exit 1; }
	grep -q ' non303=0 ' <<<"$REF_LINE" && grep -q ' not_signed=0 ' <<<"$REF_LINE" ||
		echo "bench: $engine: $name: WARNING: answers other than 303 signed ($(sed -n 's/.* statuses=\([^ ]*\).*/\1/p' <<<"$REF_LINE"))" >&2
	REF_CPU=$(per_req $((t1 - t0)) "$n")
}

# start_postgres — a throwaway cluster on a unix socket in $work/pg; sets DSN.
start_postgres() {
	[ -x "$PGBIN/initdb" ] || { echo "bench: no PostgreSQL server binaries in '$PGBIN' (Debian: apt-get install postgresql, or set PGBIN)" >&2; return 1; }
	mkdir -p "$work/pg"
	[ "$(id -u)" -ne 0 ] || chown postgres "$work/pg"
	pgdata="$work/pg/data"
	local port
	port=$(free_port)
	pg_as "$PGBIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/pg-initdb.log" 2>&1 ||
		{ cat "$work/pg-initdb.log" >&2; return 1; }
	# Only a unix socket (listen_addresses empty); fsync and
	# synchronous_commit keep their durable defaults.
	pg_as "$PGBIN/pg_ctl" -D "$pgdata" -l "$work/pg/server.log" -w \
		-o "-c listen_addresses='' -k $work/pg -p $port -c max_connections=200" start >/dev/null ||
		{ cat "$work/pg/server.log" >&2; return 1; }
	pg_as "$PGBIN/createdb" -h "$work/pg" -p "$port" -U postgres placard
	DSN="postgres:///placard?host=$work/pg&port=$port&user=postgres&sslmode=disable"
	echo "bench: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on unix socket $work/pg port $port"
}

stop_postgres() {
	pg_as "$PGBIN/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 || true
	pgdata=""
}

# perf_summary FILE ENGINE — where the CPU went during a profiled run: the
# share of each process (the machine is shared, so other work shows here
# too), then placard's time in the parts of the signing path (inclusive:
# a function's share includes what it calls).
perf_summary() {
	local f=$1 e=$2
	echo "bench: $e: CPU by process (whole machine, perf):"
	perf report -i "$f" --no-children --sort comm --stdio -g none 2>/dev/null </dev/null | grep -E '^ +[0-9]' | sed -n 1,8p || true
	echo "bench: $e: placard's signing path (inclusive share of the whole machine):"
	perf report -i "$f" --children --comm placard --sort symbol --stdio -g none 2>/dev/null </dev/null |
		grep -E '^ +[0-9]' | sed -E 's/[ -]+$//' |
		grep -E 'net/http\.\(\*conn\)\.serve$|web\.\(\*Server\)\.sign$|ParseForm$|signing\.Check$|Committer\)\.run$|\(\*DB\)\.AddSignatures$|sqlite3VdbeExec$|sqlite3WalFrames$|Xfsync$|pgx.*\(\*Conn\)\.(Exec|SendBatch|Query)$|tcp_sendmsg$|tcp_recvmsg$|gcBgMarkWorker$|findRunnable$' |
		awk '{ printf "  %8s  %s\n", $1, $NF }' || true
}

declare -A result bare_rps bare_p50 bare_p99 bare_cpu engine_rps cost dur_rps dur_p99 dur_cost
for engine in $ENGINES; do
	case $engine in
	sqlite) DSN="$work/sqlite/placard.db" ;;
	postgres) start_postgres ;;
	*) echo "bench: unknown engine $engine (sqlite or postgres)" >&2; exit 2 ;;
	esac
	port=$(free_port)
	P="http://127.0.0.1:$port"
	"$work/placard" serve --addr "127.0.0.1:$port" --campaigns campaigns --db "$DSN" --base-url "$P" \
		--rate-limit 100000000 --client-ip-header X-Real-IP --log-level warn "${mailflags[@]}" >"$work/placard-$engine.log" 2>&1 &
	server=$!
	pids+=("$server")
	wait_http "$P/healthz" || { cat "$work/placard-$engine.log" >&2; exit 1; }

	curl -fsS -o "$work/page.html" "$P$PAGE"
	action=$(input_value "$work/page.html" action)
	token=$(input_value "$work/page.html" token)
	[ -n "$action" ] && [ -n "$token" ] || { echo "bench: no signing form (action and token inputs) on $PAGE" >&2; exit 1; }
	minted=$(date +%s%N)

	if [ "$BARE" != 0 ]; then
		run_reference bare "$B" "$barepid"
		bline=$REF_LINE bare_cpu[$engine]=$REF_CPU
		bget() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$bline"; }
		bare_rps[$engine]=$(bget rps) bare_p50[$engine]=$(bget p50_ms) bare_p99[$engine]=$(bget p99_ms)
	fi
	if [ "$DURABLE" != 0 ]; then
		run_reference durable "$D" "$durpid"
		dline=$REF_LINE dur_cost[$engine]=$REF_CPU
		dget() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$dline"; }
		dur_rps[$engine]=$(dget rps) dur_p99[$engine]=$(dget p99_ms)
	fi
	# A token is accepted once it is 3 s old: wait for what is left of 3.2 s.
	left=$(awk -v a="$minted" -v b="$(date +%s%N)" 'BEGIN { l = 3.2 - (b - a) / 1e9; printf "%.2f", (l > 0 ? l : 0) }')
	sleep "$left"

	if [ -n "${PROFILE:-}" ]; then
		# CPU profile of the server (and, for PostgreSQL, of everything) while
		# wrk runs: perf samples at 499 Hz for 10 s, starting 3 s in.
		command -v perf >/dev/null 2>&1 || { echo "bench: PROFILE needs perf (Debian: apt-get install linux-perf)" >&2; exit 2; }
		(sleep 3; perf record -F 499 -g -a -o "$work/perf-$engine.data" -- sleep 10 >/dev/null 2>&1) &
		perfpid=$!
	fi
	echo "bench: $engine: wrk -t$THREADS -c$CONNS -d$DURATION --latency -s bench/sign.lua $P$PAGE/sign"
	placard_t0=$(cpu_ticks "$server") pg_t0=0
	read -r io_r0 io_w0 < <(io_calls "$server")
	[ "$engine" != postgres ] || pg_t0=$(cpu_ticks $(pg_pids))
	SIGN_PATH="$PAGE/sign" SIGN_ACTION="$action" SIGN_TOKEN="$token" SIGN_RUN="$engine$RANDOM" \
		wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/sign.lua "$P$PAGE/sign" | tee "$work/wrk-$engine.txt"
	placard_t1=$(cpu_ticks "$server") pg_t1=0
	read -r io_r1 io_w1 < <(io_calls "$server")
	[ "$engine" != postgres ] || pg_t1=$(cpu_ticks $(pg_pids))
	if [ -n "${PROFILE:-}" ]; then
		wait "$perfpid"
		perf_summary "$work/perf-$engine.data" "$engine"
		mkdir -p "${PROFILE_DIR:-/tmp}" && cp "$work/perf-$engine.data" "${PROFILE_DIR:-/tmp}/placard-sign-perf-$engine.data"
	fi
	line=$(grep '^SIGN ' "$work/wrk-$engine.txt")
	get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }

	# Every "signed" answer must be in the database (export counts rows).
	[ "$(get requests)" -gt 0 ] || { echo "bench: $engine: wrk completed no request; the server log says:" >&2; tail -n 20 "$work/placard-$engine.log" >&2; exit 1; }
	"$work/placard" signatures export --campaign "${PAGE#/}" --db "$DSN" >"$work/export-$engine.csv" 2>"$work/export-$engine.log" ||
		{ echo "bench: $engine: placard signatures export failed:" >&2; cat "$work/export-$engine.log" >&2; exit 1; }
	sigs=$(($(wc -l <"$work/export-$engine.csv") - 1))
	signed=$(($(get requests) - $(get non303) - $(get not_signed)))
	echo "bench: $engine: $signed answered 'signed', $sigs stored"
	reqs=$(get requests)
	cost[$engine]=$(printf '%-9s %14s %16s %14s %14s %18s' "$engine" \
		"$(per_req $((placard_t1 - placard_t0)) "$reqs")" \
		"$([ "$engine" = postgres ] && per_req $((pg_t1 - pg_t0)) "$reqs" || echo -)" \
		"${bare_cpu[$engine]:--}" \
		"$(awk -v a="$io_r0" -v b="$io_r1" -v n="$reqs" 'BEGIN { printf "%.1f", (n > 0 ? (b - a) / n : 0) }')" \
		"$(awk -v a="$io_w0" -v b="$io_w1" -v n="$reqs" 'BEGIN { printf "%.1f", (n > 0 ? (b - a) / n : 0) }')")
	[ "$sigs" -ge "$signed" ] || echo "bench: $engine: WARNING: fewer stored than acknowledged" >&2

	kill "$server"
	wait "$server" 2>/dev/null || true
	[ "$engine" != postgres ] || stop_postgres
	ratio=$(awk -v r="$(get rps)" -v f="$fsync_rate" 'BEGIN { printf "%.1f", r / f }')
	engine_rps[$engine]=$(get rps)
	result[$engine]=$(printf '%-9s %10s %9s ms %9s ms %8s %10s %8sx  (%s signed, %s stored, socket errors %s, %s)' \
		"$engine" "$(get rps)" "$(get p50_ms)" "$(get p99_ms)" "$(get non303)" "$fsync_rate" "$ratio" \
		"$signed" "$sigs" "$(get socket_errors)" "$(get statuses)")
done

echo
echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(go env GOVERSION), $THREADS threads, $CONNS connections, $DURATION, load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %10s %12s %12s %8s %10s %9s\n' engine "sigs/s" p50 p99 non303 "fsync/s" ratio
for engine in $ENGINES; do echo "${result[$engine]}"; done
if [ "$BARE" != 0 ]; then
	echo
	echo "bench: bare net/http handler (bench/bare: parses the same POST, answers 303, stores nothing), same wrk settings and sign.lua, run just before each engine"
	printf '%-9s %10s %12s %12s %12s %13s\n' engine "sigs/s" "bare req/s" "bare p50" "bare p99" "engine÷bare"
	for engine in $ENGINES; do
		printf '%-9s %10s %12s %9s ms %9s ms %12s   (target ≥ 0.60)\n' "$engine" "${engine_rps[$engine]}" "${bare_rps[$engine]}" \
			"${bare_p50[$engine]}" "${bare_p99[$engine]}" \
			"$(awk -v e="${engine_rps[$engine]}" -v b="${bare_rps[$engine]}" 'BEGIN { printf "%.2f", e / b }')"
	done
fi
if [ "$DURABLE" != 0 ]; then
	echo
	echo "bench: durable floor (bench/bare -durable: the bare handler answering once the signature's bytes are fdatasync'd, group-committed, nothing else), run just after each bare run"
	printf '%-9s %10s %14s %12s %14s %14s %15s\n' engine "sigs/s" "durable req/s" "durable p99" "durable µs/req" "durable÷bare" "engine÷durable"
	for engine in $ENGINES; do
		printf '%-9s %10s %14s %9s ms %14s %14s %15s\n' "$engine" "${engine_rps[$engine]}" "${dur_rps[$engine]}" "${dur_p99[$engine]}" "${dur_cost[$engine]}" \
			"$(awk -v e="${dur_rps[$engine]}" -v b="${bare_rps[$engine]}" 'BEGIN { printf "%.2f", e / b }')" \
			"$(awk -v e="${engine_rps[$engine]}" -v b="${dur_rps[$engine]}" 'BEGIN { printf "%.2f", e / b }')"
	done
fi
echo
echo "bench: CPU per request during each wrk run (µs, user + system, /proc/PID/stat), and placard's system calls per signature (/proc/PID/io)"
printf '%-9s %14s %16s %14s %14s %18s\n' engine "placard µs/sig" "postgres µs/sig" "bare µs/req" "reads/sig" "writes/sig"
for engine in $ENGINES; do echo "${cost[$engine]}"; done
