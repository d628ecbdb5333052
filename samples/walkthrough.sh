#!/usr/bin/env bash
# Runs HashiCorp's "Building Plugin Backends" guide command for command through plugin-host, in a fresh temporary
# directory: builds plugin-host, publishes the mock plugin into a new plugin directory (mode 0700), writes a config
# file, then echoes each step ("$ plugin-host ...") before its output. Needs only the .NET SDK.
#
#   bash samples/walkthrough.sh            # the guide
#   bash samples/walkthrough.sh --times    # also each plugin-host command's wall time, on stderr
#   bash samples/walkthrough.sh --keep     # keep the temporary directory to try more commands in it
set -euo pipefail

times=false
keep=false
for arg in "$@"; do
  case "$arg" in
    --times) times=true ;;
    --keep) keep=true ;;
    *) echo "usage: bash samples/walkthrough.sh [--times] [--keep]" >&2; exit 1 ;;
  esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/plugin-host-walkthrough.XXXXXX")
if $keep; then
  trap 'echo "(kept $work: cd there and run $work/bin/plugin-host)" >&2' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The walkthrough's own config file is the one plugin-host finds (./plugin-host.hcl), whatever the caller has set.
unset PLUGIN_HOST_CONFIG PLUGIN_HOST_FORMAT

quiet_publish() {
  dotnet publish "$@" -c Release -nologo -v quiet -clp:ErrorsOnly >"$work/publish.log" 2>&1 || {
    cat "$work/publish.log" >&2
    exit 1
  }
}

echo "Building plugin-host into $work/bin ..." >&2
cd "$repo"
quiet_publish src/PluginHost.Cli -o "$work/bin"

plugin-host() {
  local start end
  start=$(date +%s%N)
  "$work/bin/plugin-host" "$@" 2>&1 && status=0 || status=$?
  end=$(date +%s%N)
  if $times; then
    echo "[$(( (end - start) / 1000000 )) ms, exit $status]" >&2
  fi
  return 0
}

# Echoes a command as the guide shows it, then runs it; a blank line separates the steps.
first=true
step() {
  $first || echo
  first=false
  printf '$ %s\n' "$*"
  "$@"
}

mkdir -m 700 "$work/plugins"
cat >"$work/plugin-host.hcl" <<HCL
plugin_directory = "$work/plugins"
data_directory   = "$work/data"
HCL

cd "$work"
step cat plugin-host.hcl

echo
printf '$ dotnet publish samples/MockPlugin -c Release -o %s   # single file: my-mock-plugin\n' "$work/plugins"
(cd "$repo" && quiet_publish samples/MockPlugin -o "$work/plugins")
printf '$ sha256sum %s\n' "$work/plugins/my-mock-plugin"
sha256sum "$work/plugins/my-mock-plugin"
sha256=$(sha256sum "$work/plugins/my-mock-plugin" | cut -d ' ' -f 1)

step plugin-host write sys/plugins/catalog/secret/my-mock-plugin sha256="$sha256" command=my-mock-plugin
step plugin-host secrets enable -path=my-secrets-plugin my-mock-plugin
step plugin-host auth enable -path=my-auth-plugin my-mock-plugin
step plugin-host write my-secrets-plugin/kv/foo value=bar
step plugin-host secrets disable my-secrets-plugin
