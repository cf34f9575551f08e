# Shell side of the local compute driver's volumes (compute/local/volumes.h):
# each instance's image <state>/volumes/<id>.img is loop-mounted at
# <state>/instances/<id>/volume. Sourced by stack.sh and unstack.sh.

# Mounts every instance's volume that is not mounted (after a reboot), so a
# guest started again never writes into the bare mount point.
mount_volumes() {
  local state=$1 image id dir count=0
  for image in "$state"/volumes/*.img; do
    [ -f "$image" ] || continue
    id=$(basename "$image" .img)
    dir="$state/instances/$id/volume"
    [ -d "$dir" ] || continue
    mountpoint -q "$dir" && continue
    mount -o loop,nodev,nosuid "$image" "$dir"
    count=$((count + 1))
  done
  [ "$count" -eq 0 ] || echo "  mounted $count instance volume(s)"
}

# Unmounts every filesystem mounted under $1 (deepest first), so removing
# the directory cannot empty a volume through its mount point.
unmount_volumes() {
  local root mnt count=0
  root=$(realpath "$1")
  while read -r mnt; do
    umount "$mnt"
    count=$((count + 1))
  done < <(awk -v root="$root/" 'index($5, root) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  [ "$count" -eq 0 ] || echo "  unmounted $count volume(s)"
}
