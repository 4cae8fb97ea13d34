#!/usr/bin/env bash
# Publishes the native executable (the product), the JIT build beside it, a non-PIE build (compared, not shipped), a
# Native AOT hello world and a bare Kestrel app, then runs the benchmarks side by side; prints the numbers.
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx-light). Usage: bench/run.sh [wrk seconds]
# Only the credential-process benchmark, optionally against another published CLI in the same run:
#   bench/run.sh credential-process [BASELINE_CLI_DIR]
# Only the signing proxy against a direct call to the same upstream (nginx):
#   bench/run.sh proxy [wrk seconds]
# Only the cache-hit GET /v1/credentials of serve against the bare Kestrel app, wrk in turn for some rounds, optionally
# against another published CLI too:
#   bench/run.sh serve [wrk seconds] [rounds] [BASELINE_CLI_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
artifacts="$root/artifacts"
publish() { dotnet publish "$@" -c Release -r linux-x64 -v quiet -nologo >/dev/null; }
publish "$root/src/OpenRolesAnywhere.Cli" -o "$artifacts/linux-x64"
if [ "${1:-}" = serve ]; then
    publish "$root/bench/BareKestrel" -o "$artifacts/bench-kestrel"
    exec dotnet run -c Release --project "$root/bench/OpenRolesAnywhere.Bench" -- "$artifacts" "$@"
fi
if [ "${1:-}" = proxy ]; then
    exec dotnet run -c Release --project "$root/bench/OpenRolesAnywhere.Bench" -- "$artifacts" "$@"
fi
# The JIT build for the ratio, ReadyToRun as a `dotnet tool` user would get at best.
publish "$root/src/OpenRolesAnywhere.Cli" -p:PublishAot=false --self-contained false -p:PublishReadyToRun=true -o "$artifacts/bench-jit"
publish "$root/bench/HelloWorld" -o "$artifacts/bench-hello"
# For comparison only: the same sources without PIE, whose data needs no rehydration at start (see README, Benchmarks).
publish "$root/src/OpenRolesAnywhere.Cli" -p:PositionIndependentExecutable=false -p:IlcDehydrate=false -o "$artifacts/bench-nonpie"
publish "$root/bench/BareKestrel" -o "$artifacts/bench-kestrel"
dotnet run -c Release --project "$root/bench/OpenRolesAnywhere.Bench" -- "$artifacts" "${@:-10}"
