#!/usr/bin/env bash
# The rules reviewers block on (CONTRIBUTING.md), checked mechanically:
# - `@unchecked Sendable` only with a `// SAFETY:` comment on one of the two lines above it;
# - no `nonisolated(unsafe)` and no `Task.detached` anywhere;
# - no `Task.sleep` or ContinuousClock/SuspendingClock sleep and no XCTest in Tests/ (tests run on ManualClock);
# - no Foundation in Modules/, except the crontab files (time zones).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "rule broken: $*"; status=1; }

while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    start=$((line > 2 ? line - 2 : 1))
    if ! sed -n "${start},${line}p" "$file" | grep -q "// SAFETY:"; then
        fail "$file:$line: @unchecked Sendable without a // SAFETY: comment above it"
    fi
done < <(grep -rn --include='*.swift' '@unchecked Sendable' Modules Tools/Examples/Sources || true)

grep -rn --include='*.swift' 'nonisolated(unsafe)' Modules Tests Tools/Examples/Sources && fail "nonisolated(unsafe) is banned"
grep -rn --include='*.swift' 'Task\.detached' Modules Tests Tools/Examples/Sources && fail "Task.detached is banned"
grep -rn --include='*.swift' 'Task\.sleep' Tests && fail "Task.sleep in Tests: use ManualClock"
grep -rnE --include='*.swift' '(ContinuousClock|SuspendingClock)(\(\))?\.sleep|Task\.sleep' Tests Tools/Examples/Sources/ModeTestingTour \
    && fail "a test sleeps on wall time: pass a ManualClock and move it (Docs/ModeTesting.md)"
grep -rn --include='*.swift' 'import XCTest' Tests && fail "Tests use Swift Testing, not XCTest"
grep -rln --include='*.swift' -E '^(public |package )?import Foundation' Modules | grep -v '/Cron/' && fail "Foundation in a module (only the crontab files may use it)"
grep -rn --include='*.swift' '@unchecked Sendable' Tools/Examples/Sources && fail "no @unchecked Sendable in examples"

if [ "$status" -eq 0 ]; then echo "concurrency and test rules: ok"; fi
exit "$status"
