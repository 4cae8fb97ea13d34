#!/usr/bin/env bash
# Builds the CLI in Release and runs the benchmarks of issue 3 side by side; prints the numbers.
# Needs wrk and nginx (Debian: apt-get install -y wrk nginx-light). Usage: bench/run.sh [wrk seconds]
# Only the credential-process benchmark, optionally against another published CLI in the same run:
#   bench/run.sh credential-process [BASELINE_CLI_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# ReadyToRun: precompiled code, so a short-lived credential-process spends less of its life in the JIT.
dotnet publish "$root/src/OpenRolesAnywhere.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$root/artifacts/bench-cli" -v quiet -nologo >/dev/null
dotnet run -c Release --project "$root/bench/OpenRolesAnywhere.Bench" -- "$root/artifacts/bench-cli" "${@:-10}"
