#!/usr/bin/env python3
"""Checks that the functions, types and members the comments and docs name
exist in the code: every `Type::member`, `ns::name` and `name()` written in a
C++ comment, or in backticks in a Markdown page, must be an identifier the
tracked sources declare or use outside comments. Names of outside libraries
(std::, grpc::, ...) are skipped. Prints each stale name with where it is
written and exits 1. Run by scripts/check_references.sh."""
import re
import subprocess
import sys

FOREIGN = {"std", "boost", "grpc", "google", "nlohmann", "pqxx", "spdlog", "CLI",
           "testing", "valijson", "absl", "icu", "U_ICU_NAMESPACE", "cassandra",
           "org", "java", "pytest", "os", "sys", "json", "subprocess", "fmt", "beast",
           "asio", "http", "net", "ssl", "filesystem", "chrono", "this_thread", "Json"}
CODE = (".h", ".cc", ".proto", ".py", ".sh", ".cmake", ".yaml", ".sql")
QUALIFIED = re.compile(r"\b([A-Za-z_]\w*(?:::~?[A-Za-z_]\w*)+)")
CALL = re.compile(r"(?<![\w.:>])([a-z_][a-z0-9_]*_[a-z0-9_]*)\(\)")
IDENT = re.compile(r"[A-Za-z_]\w*")
BACKTICK = re.compile(r"`([^`\n]+)`")


def tracked():
    out = subprocess.run(["git", "ls-files", "-z"], check=True, capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p]


def split_cc(text):
    """(code without comments, [(line number, comment text)])."""
    code, comments = [], []
    for number, line in enumerate(text.splitlines(), 1):
        at = line.find("//")
        if at >= 0 and line.count('"', 0, at) % 2 == 0:
            comments.append((number, line[at + 2:]))
            line = line[:at]
        code.append(line)
    return "\n".join(code), comments


def main():
    known = set()
    to_check = []  # (where, name)
    for path in tracked():
        if path.startswith(("tests/e2e/", "tests/fuzz/", "tests/python/")) and path.endswith(".md"):
            continue
        try:
            text = open(path, encoding="utf-8").read()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        if path.endswith((".h", ".cc", ".proto")):
            code, comments = split_cc(text)
            known.update(IDENT.findall(code))
            for number, comment in comments:
                for pattern in (QUALIFIED, CALL):
                    for name in pattern.findall(comment):
                        to_check.append((f"{path}:{number}", name))
        elif path.endswith(CODE):
            known.update(IDENT.findall(text))
        elif path.endswith(".md"):
            for number, line in enumerate(text.splitlines(), 1):
                for quoted in BACKTICK.findall(line):
                    for pattern in (QUALIFIED, CALL):
                        for name in pattern.findall(quoted):
                            to_check.append((f"{path}:{number}", name))
    stale = []
    for where, name in to_check:
        parts = [p.lstrip("~") for p in name.split("::")]
        if parts[0] in FOREIGN:
            continue
        missing = [p for p in parts if p not in known]
        if missing:
            stale.append(f"check_identifiers: {where} names {name}, but {missing[0]} is nowhere in the code")
    for line in sorted(set(stale)):
        print(line, file=sys.stderr)
    if stale:
        return 1
    print(f"check_identifiers: every named function and type exists ({len(to_check)} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
