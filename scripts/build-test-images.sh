#!/usr/bin/env bash
# Builds the container images the tests use, from the host's busybox-static, without any
# registry: no image registry on the internet is reachable from these machines.
#
#   scripts/build-test-images.sh [OUT_DIR]      (default: $KUBELITE_TEST_IMAGES or /tmp/kubelite-test-images)
#
# OUT_DIR receives one OCI image layout per image and a tar of each (OCI archive, tag "latest"):
#   busybox.tar  sh, sleep, httpd, nc, wget, awk, ... (every busybox applet); CMD ["sh"]
#   pause.tar    the same root file system; CMD ["sleep", "inf"] (the pod sandbox's image)
# Import one into a containerd with
#   ctr -n k8s.io images import --base-name docker.io/library/busybox OUT_DIR/busybox.tar
# or push the layout to a registry with skopeo (oci:OUT_DIR/busybox:latest).
# The images are rebuilt only when the tars are missing or the script changed.
set -euo pipefail

out="${1:-${KUBELITE_TEST_IMAGES:-/tmp/kubelite-test-images}}"
busybox_bin="${BUSYBOX:-/bin/busybox}"
for tool in umoci tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-test-images: $tool is not installed" >&2; exit 1; }
done
# No pipe into head here: with pipefail, busybox's SIGPIPE would fail the check at random.
if ! "$busybox_bin" --list >/dev/null 2>&1; then
  echo "build-test-images: $busybox_bin is not a busybox (install busybox-static)" >&2
  exit 1
fi

stamp="$(sha256sum "$0" "$busybox_bin" | sha256sum | cut -c1-16)"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && [ -f "$out/busybox.tar" ] && [ -f "$out/pause.tar" ]; then
  exit 0
fi

mkdir -p "$out"
work="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

rootfs_into() {
  local root="$1"
  mkdir -p "$root"/{bin,sbin,etc,tmp,proc,sys,dev,root,var/www,home,usr/bin,usr/sbin}
  chmod 1777 "$root/tmp"
  cp "$busybox_bin" "$root/bin/busybox"
  local applet
  for applet in $("$busybox_bin" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  : >"$root/etc/hosts"
  : >"$root/etc/resolv.conf"
  echo kubelite-busybox >"$root/etc/hostname"
}

build_image() {
  local name="$1"; shift
  local layout="$work/$name"
  umoci init --layout "$layout"
  umoci new --image "$layout:latest"
  umoci unpack --image "$layout:latest" "$work/$name-bundle" >/dev/null
  rootfs_into "$work/$name-bundle/rootfs"
  umoci repack --image "$layout:latest" "$work/$name-bundle"
  umoci config --image "$layout:latest" \
    --config.env 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --config.workingdir / "$@" \
    --os linux --architecture amd64 --author kubelite
  umoci gc --layout "$layout"
  rm -rf "$out/$name" "$out/$name.tar"
  cp -a "$layout" "$out/$name"
  tar -C "$layout" -cf "$out/$name.tar" .
}

build_image busybox --config.cmd sh
build_image pause --config.cmd sleep --config.cmd inf
echo "$stamp" >"$out/.stamp"
echo "test images in $out: busybox.tar pause.tar"
