#!/usr/bin/env python3
"""Embeds docs/openapi.yaml into automat-api as JSON text.

Usage: openapi_to_cc.py IN.yaml OUT.cc

Writes a .cc defining automat::api::embedded_openapi_json(), the document as
compact JSON, so the server validates request bodies against exactly the
schemas it publishes. Fails (exit 1) on YAML that is not a mapping with
`paths` and `components`.
"""
import json
import sys

import yaml


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or "paths" not in doc or "components" not in doc:
        sys.exit(f"{src}: not an OpenAPI document with paths and components")
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=True, sort_keys=True)
    delimiter = "automat_openapi"
    if f"){delimiter}\"" in text:
        sys.exit(f"{src} contains the raw-string delimiter")
    # Raw string literals are split in pieces well below compilers' limits.
    pieces = [text[i:i + 16000] for i in range(0, len(text), 16000)]
    body = "\n".join(f'    R"{delimiter}({p}){delimiter}"' for p in pieces)
    cc = ("// Generated from docs/openapi.yaml by scripts/openapi_to_cc.py. Do not edit.\n"
          "#include \"api/openapi.h\"\n\n"
          "namespace automat::api {\n\n"
          "const char* embedded_openapi_json() {\n"
          f"  return\n{body};\n"
          "}\n\n"
          "}  // namespace automat::api\n")
    try:
        with open(out, encoding="utf-8") as f:
            if f.read() == cc:
                return
    except OSError:
        pass
    with open(out, "w", encoding="utf-8") as f:
        f.write(cc)


if __name__ == "__main__":
    main()
