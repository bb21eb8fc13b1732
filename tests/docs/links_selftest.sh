#!/usr/bin/env bash
# links_selftest.sh PYTHON CHECKER WORKDIR: the link checker finds each kind of breakage in a
# small tree made here (no git: the checker walks the folder), and passes the same tree fixed.
set -euo pipefail
py=$1 checker=$2 work=$3
rm -rf "$work" && mkdir -p "$work/docs"
printf '# Top\n\n## A heading, with punctuation!\n\nSee [guide](docs/GUIDE.md#usage).\n\n## Documentation\n\n- [GUIDE.md](docs/GUIDE.md): the guide\n' >"$work/README.md"
printf '# Guide\n\n## Usage\n\nBack to [top](../README.md#a-heading-with-punctuation).\n' >"$work/docs/GUIDE.md"
printf '// main.cpp: see docs/GUIDE.md\n' >"$work/main.cpp"

expect() {  # expect CODE PATTERN
    set +e
    out=$("$py" "$checker" "$work" 2>&1)
    code=$?
    set -e
    if [ "$code" -ne "$1" ] || ! grep -q -E "$2" <<<"$out"; then
        echo "FAIL: expected exit $1 and /$2/, got exit $code:"
        echo "$out"
        exit 1
    fi
}

expect 0 "3 relative links checked, all resolve"
sed -i 's/#usage/#no-such-heading/' "$work/README.md"
expect 1 "README.md:5: link docs/GUIDE.md#no-such-heading: no heading #no-such-heading"
sed -i 's/#no-such-heading/#usage/; s/GUIDE.md/MISSING.md/' "$work/README.md"
expect 1 "README.md:5: link docs/MISSING.md#usage does not resolve"
sed -i 's/MISSING.md/GUIDE.md/' "$work/README.md"
printf '// see NOTES_ELSEWHERE.md\n' >>"$work/main.cpp"
expect 1 "main.cpp:2: mentions NOTES_ELSEWHERE.md, which is not in the repository"
sed -i '2d' "$work/main.cpp"
printf 'Outside: [x](../../outside.md)\n' >>"$work/docs/GUIDE.md"
expect 1 "leaves the repository"
sed -i '$d' "$work/docs/GUIDE.md"
expect 0 "all resolve"
printf '# Other\n' >"$work/docs/OTHER.md"
expect 1 "README.md: docs/OTHER.md is not listed in the Documentation section"
printf -- '- [OTHER.md](docs/OTHER.md): another\n- [OTHER.md](docs/OTHER.md): again\n' >>"$work/README.md"
expect 1 "README.md:11: docs/OTHER.md is listed twice in the Documentation section"
sed -i '$d' "$work/README.md"
expect 0 "all resolve"
echo "links selftest: PASS"
