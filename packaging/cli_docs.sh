#!/usr/bin/env bash
# shellcheck disable=SC2016  # single-quoted $words are bash code written into the completion
# cli_docs.sh MODE CLI: what cbsim-cli's own option definitions say, read from its CLI11 --help
# (top level and each subcommand), so the man page and the completion cannot drift from it.
#   subcommands  one subcommand name a line
#   completion   the bash completion script of cbsim-cli
#   man          a help2man include file: a SUBCOMMANDS section with each one's options (and
#                formats, for the subcommands whose help lists them)
# CLI11 help layout: "Positionals:" / "Options:" / "Subcommands:" headings (and our "Formats:"
# footer of import and synth-log); an entry line is
# two spaces, the names (e.g. "-o,--out"), then " TYPE" for one that takes a value (TEXT, FLOAT,
# UINT:UINT64, TEXT:{a,b} for a fixed set, ...), " REQUIRED" and the description.
set -euo pipefail
mode=$1 cli=$2

# entries HELP SECTION: "NAMES<US>TYPE<US>DESCRIPTION" for each entry of SECTION (US = \037,
# not whitespace for read, so an empty TYPE stays a field of its own).
entries() {
    awk -v want="$2" '
        function flush() { if (have) printf "%s\037%s\037%s\n", names, type, desc; have = 0 }
        /^[A-Z][A-Za-z ]*:$/ { flush(); section = substr($0, 1, length($0) - 1); next }
        /^$/ { next }
        section == want && /^  [^ ]/ {
            flush()
            line = substr($0, 3)
            names = line; sub(/ .*/, "", names)
            rest = substr(line, length(names) + 1)
            type = ""
            if (rest ~ /^ [^ ]/) { type = substr(rest, 2); sub(/ .*/, "", type) }
            desc = rest; sub(/^ +/, "", desc)
            if (type != "") desc = substr(desc, length(type) + 1)
            sub(/^ *\.\.\./, "", desc)  # a positional that takes several values
            sub(/^ *REQUIRED/, "", desc); sub(/^ +/, "", desc)
            have = 1
            next
        }
        # A description CLI11 moved to the next line (after a long option and type).
        section == want && have && /^   +[^ ]/ {
            more = $0; sub(/^ +/, "", more)
            desc = desc == "" ? more : desc " " more
            next
        }
        END { flush() }' <<<"$1"
}

top=$("$cli" --help)
subcommands=$(entries "$top" Subcommands | cut -d$'\037' -f1)
[ -n "$subcommands" ] || { echo "cli_docs: no subcommands in '$cli --help'" >&2; exit 1; }

# option_words HELP: every option name of the Options section, one a line.
option_words() { entries "$1" Options | cut -d$'\037' -f1 | tr ',' '\n'; }

# value_action TYPE: the compgen arguments that complete a value of this type ("" for none).
value_action() {
    case $1 in
        *:\{*\}) local set=${1#*:\{}; set=${set%\}}; printf -- '-W "%s"' "${set//,/ }" ;;
        *:DIR* | DIR*) printf -- '-d' ;;
        TEXT*) printf -- '-f' ;;
        *) printf '' ;;
    esac
}

roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^[.']/\\\\\&&/"; }

case $mode in
subcommands) printf '%s\n' "$subcommands" ;;
completion)
    cat <<'HEAD'
# bash completion for cbsim-cli: subcommands, their options, and files where a file goes.
# Generated at build time from cbsim-cli's own --help (packaging/cli_docs.sh); do not edit.
_cbsim_cli() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} sub="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
HEAD
    printf '            %s) sub=${COMP_WORDS[i]}; break ;;\n' "$(paste -sd'|' <<<"$subcommands")"
    cat <<'MID'
        esac
    done
    local opts="" positional=""
    case $sub in
MID
    printf '        "") opts="%s" ;;\n' "$(option_words "$top" | paste -sd' ')"
    for sub in $subcommands; do
        help=$("$cli" "$sub" --help)
        positional=""
        while IFS=$'\037' read -r _ type _; do
            [ -n "$positional" ] || positional=$(value_action "$type")
        done < <(entries "$help" Positionals)
        printf '        %s) opts="%s" positional=%q ;;\n' "$sub" \
            "$(option_words "$help" | paste -sd' ')" "$positional"
    done
    cat <<'MID'
    esac
    case $sub:$prev in
MID
    for sub in "" $subcommands; do
        if [ -z "$sub" ]; then help=$top; else help=$("$cli" "$sub" --help); fi
        while IFS=$'\037' read -r names type _; do
            [ -n "$type" ] || continue
            action=$(value_action "$type")
            for name in ${names//,/ }; do
                if [ -n "$action" ]; then
                    printf '        %s:%s) mapfile -t COMPREPLY < <(compgen %s -- "$cur"); return 0 ;;\n' \
                        "$sub" "$name" "$action"
                else
                    printf '        %s:%s) COMPREPLY=(); return 0 ;;\n' "$sub" "$name"
                fi
            done
        done < <(entries "$help" Options)
    done
    cat <<'TAIL'
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    elif [ -z "$sub" ]; then
TAIL
    printf '        mapfile -t COMPREPLY < <(compgen -W "%s" -- "$cur")\n' \
        "$(paste -sd' ' <<<"$subcommands")"
    cat <<'TAIL'
    elif [ -n "$positional" ]; then
        eval "mapfile -t COMPREPLY < <(compgen $positional -- \"\$cur\")"
    fi
    return 0
}
complete -o filenames -F _cbsim_cli cbsim-cli
TAIL
    ;;
man)
    echo "[SUBCOMMANDS]"
    for sub in $subcommands; do
        help=$("$cli" "$sub" --help)
        usage=$(sed -n 's/^Usage: [^ ]* //p' <<<"$help")
        echo ".TP"
        printf '\\fB%s\\fR%s\n' "$sub" "$(roff <<<"${usage#"$sub"}")"
        head -1 <<<"$help" | roff
        echo ".RS"
        for section in Positionals Options Formats; do
            while IFS=$'\037' read -r names type desc; do
                [ "$names" = "-h,--help" ] && continue
                echo ".TP"
                printf '\\fB%s\\fR%s\n' "$(roff <<<"${names//,/, }")" "${type:+ $(roff <<<"$type")}"
                roff <<<"$desc"
            done < <(entries "$help" "$section")
        done
        echo ".RE"
    done
    ;;
*) echo "cli_docs: unknown mode '$mode'" >&2; exit 2 ;;
esac
