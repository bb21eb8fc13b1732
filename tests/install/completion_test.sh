#!/usr/bin/env bash
# completion_test.sh CLI COMPLETION OUT: the bash completion knows every subcommand cbsim-cli
# has and each subcommand's options, completes file arguments with files and offers nothing
# after an option that takes a number.
set -euo pipefail
cli=$(realpath "$1") completion=$(realpath "$2") out=$3
rm -rf "$out" && mkdir -p "$out"
fail() { echo "completion_test: $*" >&2; exit 1; }
# complete WORD...: what the completion offers for the command line "cbsim-cli WORD..." (the
# last word is the one being completed), sorted, one a line.
complete_words() {
    (cd "$out" && bash -c 'source "$1"; shift; COMP_WORDS=(cbsim-cli "$@"); COMP_CWORD=$#
        _cbsim_cli; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@") | sed '/^$/d' | sort
}
# Read from the CLI's help here, independently of how the completion was generated.
section() { awk -v want="$1:" '$0 == want { s = 1; next } /^[A-Z][A-Za-z]*:$/ { s = 0 } s && /^  [^ ]/ { print $1 }'; }
subcommands=$("$cli" --help | section Subcommands | sort)
[ "$(wc -l <<<"$subcommands")" -ge 3 ] || fail "cbsim-cli --help lists too few subcommands: $subcommands"
[ "$(complete_words "")" = "$subcommands" ] || fail "offers '$(complete_words "")', the CLI has '$subcommands'"
echo "subcommands: ${subcommands//$'\n'/ }"
for sub in $subcommands; do
    options=$("$cli" "$sub" --help | section Options | tr ',' '\n' | grep '^--' | sort)
    offered=$(complete_words "$sub" --)
    missing=$(comm -23 <(echo "$options") <(echo "$offered"))
    [ -z "$missing" ] || fail "$sub: options not completed: $missing"
    echo "$sub: ${offered//$'\n'/ }"
done
touch "$out/a-scenario.toml"
grep -qx a-scenario.toml <(complete_words run a-) || fail "run: the scenario file is not completed"
grep -qx a-scenario.toml <(complete_words validate a-) || fail "validate: the file is not completed"
grep -qx a-scenario.toml <(complete_words replay --config a-) || fail "replay --config: no file"
[ -z "$(complete_words run --seed "")" ] || fail "run --seed: offers something for a number"
[ -z "$(complete_words --)" ] || [ "$(complete_words --)" = "$(printf -- '--help\n--version')" ] ||
    fail "top-level options: $(complete_words --)"
echo "COMPLETION: PASS"
