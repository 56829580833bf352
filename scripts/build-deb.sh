#!/bin/sh
# Build the vipd Debian package (Debian 12) from this checkout.
#
#   scripts/build-deb.sh [-o OUTDIR] [--no-lintian]
#
# Installs the build dependencies of debian/control with apt-get when some
# are missing (needs root then), copies the working tree (tracked and new
# files, not build directories) to a temporary directory, runs
# `dpkg-buildpackage -us -uc -b` there, checks the result with lintian when
# it is installed (errors fail the build), and prints the path of the .deb on
# the last line of stdout. OUTDIR (default: the temporary directory) receives
# the .deb, .buildinfo and .changes. DEB_BUILD_OPTIONS is honoured
# (nocheck skips the unit tests). Exits non-zero on any failure.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
outdir=
lintian=yes
while [ $# -gt 0 ]; do
    case $1 in
        -o) [ $# -ge 2 ] || { echo "build-deb.sh: -o needs a directory" >&2; exit 2; }
            outdir=$2; shift 2 ;;
        --no-lintian) lintian=no; shift ;;
        -h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "build-deb.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

log() { echo "build-deb.sh: $*" >&2; }

# 1. Tools and build dependencies.
export DEBIAN_FRONTEND=noninteractive
need_apt=
for p in dpkg-dev build-essential debhelper; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt=yes
done
if [ -n "$need_apt" ] || ! (cd "$src" && dpkg-checkbuilddeps >/dev/null 2>&1); then
    if [ "$(id -u)" -ne 0 ]; then
        log "build dependencies are missing; run as root, or: apt-get build-dep $src"
        (cd "$src" && dpkg-checkbuilddeps) >&2 || true
        exit 1
    fi
    log "installing build dependencies with apt-get"
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends dpkg-dev build-essential debhelper >&2
    apt-get build-dep -y -qq "$src" >&2
fi
if [ "$lintian" = yes ] && ! command -v lintian >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get install -y -qq --no-install-recommends lintian >&2 || lintian=no
    else
        lintian=no
    fi
fi

# 2. A clean copy of the tree: the package is built outside the checkout,
# so build/ directories and other engineers' work in progress stay untouched.
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
upstream=${version%-*}
work=$(mktemp -d "${TMPDIR:-/tmp}/vipd-deb.XXXXXX")
tree=$work/vipd-$upstream
mkdir "$tree"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$src" && git ls-files -z --cached --others --exclude-standard \
        | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh \
        | tar --null -T - -cf -) | tar -C "$tree" -xf -
else
    (cd "$src" && tar --exclude='./build*' --exclude='./obj-*' --exclude='./.git' \
        --exclude='./debian/vipd' --exclude='./debian/.debhelper' -cf - .) | tar -C "$tree" -xf -
fi

# 3. Build.
log "building $version in $tree"
(cd "$tree" && dpkg-buildpackage -us -uc -b) >&2 || { log "dpkg-buildpackage failed (tree kept in $work)"; exit 1; }
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$work/vipd_${version}_${arch}.deb
changes=$work/vipd_${version}_${arch}.changes
[ -f "$deb" ] || { log "no $deb produced"; exit 1; }

# 4. Check.
if [ "$lintian" = yes ]; then
    log "lintian:"
    lintian --fail-on error --info --display-level '>=warning' "$changes" >&2 \
        || { log "lintian reports errors"; exit 1; }
fi

if [ -n "$outdir" ]; then
    mkdir -p "$outdir"
    cp "$deb" "$changes" "$work"/vipd_"${version}"_"${arch}".buildinfo "$outdir"/
    deb=$(cd "$outdir" && pwd)/$(basename "$deb")
fi
echo "$deb"
