#!/usr/bin/env python3
"""Checks that the repository's documents stand alone.

  check_links.py REPO_ROOT

1. Every relative link of every Markdown file (`[text](target)`, `![alt](target)`) resolves to
   a file or folder inside the repository, and a `#fragment` into a Markdown file names one of
   its headings (GitHub's anchor rules: lower case, punctuation dropped, spaces to '-').
2. Every `NAME.md` that a tracked source, script or document mentions exists in the
   repository (a comment that cites a note kept elsewhere fails here).
3. No tracked file names an absolute path under /work/ (a developer's machine).
4. README.md's `## Documentation` section lists every document of docs/ (docs/*.md), each on
   one line of its own that links it.

Prints one line per problem (file:line: what) and exits 1 if there is any, else prints the
number of links checked and exits 0.
"""
import os
import re
import subprocess
import sys

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
MD_NAME = re.compile(r"(?<![\w/.-])([A-Za-z0-9_-]+\.md)\b")
TEXT_ENDINGS = (".md", ".cpp", ".hpp", ".h", ".txt", ".cmake", ".sh", ".py", ".toml", ".in")


def tracked_files(root):
    """The files git tracks when `root` is a checkout's top, else every file below it."""
    try:
        top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], check=True,
                             capture_output=True).stdout.decode().strip()
        if os.path.realpath(top) != os.path.realpath(root):
            raise ValueError("not the top of a checkout")
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                             capture_output=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, ValueError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x != ".git" and not x.startswith("build")]
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
        return files


def anchors(path):
    """GitHub heading anchors of a Markdown file (duplicates get -1, -2, ...)."""
    seen = {}
    out = set()
    in_code = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                in_code = not in_code
            if in_code or not line.startswith("#"):
                continue
            title = line.lstrip("#").strip()
            slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def unlisted_docs(root, files):
    """Rule 4: the documents of docs/ that README.md's Documentation section does not list on
    exactly one line."""
    docs = sorted(p for p in files if re.fullmatch(r"docs/[^/]+\.md", p))
    readme = os.path.join(root, "README.md")
    if not docs or not os.path.isfile(readme):
        return []
    section = []
    inside = False
    with open(readme, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if line.startswith("## "):
                inside = line.strip() == "## Documentation"
            elif inside:
                section.append((no, line))
    if not section:
        return ["README.md: no '## Documentation' section listing the documents of docs/"]
    problems = []
    for doc in docs:
        lines = [no for no, line in section if doc in LINK.findall(line)]
        if not lines:
            problems.append(f"README.md: {doc} is not listed in the Documentation section")
        elif len(lines) > 1:
            problems.append(f"README.md:{lines[1]}: {doc} is listed twice in the Documentation "
                            f"section (also line {lines[0]})")
    return problems


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    files = tracked_files(root)
    basenames = {os.path.basename(p) for p in files}
    problems = []
    links = 0
    for rel in files:
        if not rel.endswith(TEXT_ENDINGS) or not os.path.isfile(os.path.join(root, rel)):
            continue
        if rel.startswith("tests/docs/"):
            continue  # this checker's own examples
        path = os.path.join(root, rel)
        try:
            text = open(path, encoding="utf-8").read()
        except UnicodeDecodeError:
            continue
        in_code = False
        for no, line in enumerate(text.splitlines(), 1):
            if "/work/" in line:
                problems.append(f"{rel}:{no}: names a path under /work/ (outside the repository)")
            for name in MD_NAME.findall(line):
                if name not in basenames:
                    problems.append(f"{rel}:{no}: mentions {name}, which is not in the repository")
            if not rel.endswith(".md"):
                continue
            if line.startswith("```"):
                in_code = not in_code
            if in_code:
                continue
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                    continue  # http:, https:, mailto:
                links += 1
                file_part, _, frag = target.partition("#")
                dest = path if not file_part else os.path.normpath(
                    os.path.join(os.path.dirname(path), file_part))
                if os.path.commonpath([root, dest]) != root:
                    problems.append(f"{rel}:{no}: link {target} leaves the repository")
                    continue
                if not os.path.exists(dest):
                    problems.append(f"{rel}:{no}: link {target} does not resolve")
                    continue
                if frag and dest.endswith(".md") and frag not in anchors(dest):
                    problems.append(f"{rel}:{no}: link {target}: no heading #{frag} in "
                                    f"{os.path.relpath(dest, root)}")
    problems += unlisted_docs(root, files)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print(f"{links} relative links checked, all resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
