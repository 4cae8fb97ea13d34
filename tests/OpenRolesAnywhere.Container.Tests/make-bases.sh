#!/usr/bin/env bash
# Makes the root filesystems of the container tests' two local base images from Debian packages (no
# container registry is reachable where the tests run):
#   workload.tar  Debian minbase with python3-botocore, a real AWS SDK to judge the credentials.
#   server.tar    a shell-less subset of the same tree, like Microsoft's chiseled runtime-deps image: glibc,
#                 libgcc, libssl3, the CA bundle, tzdata, and passwd/group naming `app` (1654).
# Usage: make-bases.sh MIRROR OUTDIR    (the tests cache OUTDIR keyed by this file's hash)
set -euo pipefail
mirror=$1
out=$2
mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/tree

debootstrap --variant=minbase --include=libssl3,ca-certificates,tzdata,python3-botocore bookworm "$tree" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/* "$tree"/usr/share/doc "$tree"/usr/share/man \
  "$tree"/usr/share/info "$tree"/usr/share/locale
tar -C "$tree" -cf "$work/workload.tar" .

# Files of the runtime's packages, with merged-/usr paths written as they are stored (under usr/), so
# extracting never writes through the bin/lib/lib64/sbin symlinks; gconv's charset modules are not needed.
for package in base-files libc6 libgcc-s1 zlib1g libssl3 ca-certificates tzdata; do
  dpkg-query --admindir="$tree/var/lib/dpkg" -L "$package"
done | sed -E 's#^/(bin|lib|lib64|sbin)/#/usr/\1/#' | grep -v -e '/gconv' -e '^/usr/share/doc' -e '^/usr/share/man' -e '^/usr/share/locale' \
  | sort -u | sed 's#^#.#' >"$work/server.list"
printf '%s\n' ./bin ./lib ./lib64 ./sbin ./etc/ssl/certs/ca-certificates.crt >>"$work/server.list"
mkdir "$work/server"
tar -C "$tree" -c --no-recursion --ignore-failed-read -T "$work/server.list" 2>/dev/null | tar -C "$work/server" -x
mkdir -p "$work/server/tmp" "$work/server/home/app" && chmod 1777 "$work/server/tmp" && chown 1654:1654 "$work/server/home/app"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n' >"$work/server/etc/passwd"
printf 'root:x:0:\napp:x:1654:\n' >"$work/server/etc/group"
tar -C "$work/server" -cf "$work/server.tar" .

mv "$work/workload.tar" "$work/server.tar" "$out/"
