#!/usr/bin/env bash
# Adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to its project's
# PublicAPI.Unshipped.txt and drops declared symbols that no longer exist (RS0017).
# Review the diff afterwards: it is the package's public surface.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
dotnet build PluginHost.sln -p:TreatWarningsAsErrors=false --no-incremental >"$log" 2>&1 || true
for project in src/*/; do
  unshipped="$project/PublicAPI.Unshipped.txt"
  [ -f "$unshipped" ] || continue
  name=$(basename "$project")
  added=$(grep -E "RS0016: Symbol '.*' is not part of the declared public API.*\[.*/$name/$name.csproj\]" "$log" \
    | sed -E "s/.*RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/" | sort -u || true)
  removed=$(grep -E "RS0017: Symbol '.*' is part of the declared API, but is either not public or could not be found.*\[.*/$name/$name.csproj\]" "$log" \
    | sed -E "s/.*RS0017: Symbol '(.*)' is part of the declared API.*/\1/" | sort -u || true)
  body=$(grep -v '^#nullable enable$' "$unshipped" || true)
  {
    echo '#nullable enable'
    { printf '%s\n' "$body"; printf '%s\n' "$added"; } \
      | { grep -vxF -e '' -f <(printf '%s\n' "$removed") || true; } | LC_ALL=C sort -u
  } >"$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
done
rm -f "$log"
