"""The seed card's mapping functions, verbatim, run over a catalog file.

Reads JSON {"catalog": path.jsonl, "texts": [...]} on stdin and prints a JSON list with
extract_and_replace_semantic_ids(text) for each text. Uses pandas when installed; otherwise a
minimal DataFrame stand-in that implements exactly the operations the seed code uses.
"""
import json
import re
import sys
from typing import List

try:
    import pandas as pd
except ImportError:  # the stand-in: boolean masks, ==, .str.startswith, .tolist(), len()
    class _Mask(list):
        pass

    class _Str:
        def __init__(self, values):
            self.values = values

        def startswith(self, prefix):
            return _Mask(isinstance(v, str) and v.startswith(prefix) for v in self.values)

    class _Series:
        def __init__(self, values):
            self.values = list(values)

        def __eq__(self, other):
            return _Mask(v == other for v in self.values)

        @property
        def str(self):
            return _Str(self.values)

        def tolist(self):
            return list(self.values)

    class _DataFrame:
        def __init__(self, columns):
            self.columns = columns

        def __getitem__(self, key):
            if isinstance(key, _Mask):
                return _DataFrame({c: [v for v, m in zip(vals, key) if m] for c, vals in self.columns.items()})
            return _Series(self.columns[key])

        def __len__(self):
            return len(self.columns["semantic_id"])

    class pd:  # noqa: N801
        DataFrame = _DataFrame


# ---- verbatim from the seed model card ----
def parse_semantic_id(semantic_id: str) -> List[str]:
    """Parse semantic ID into component levels"""
    sid = semantic_id.replace("<|sid_start|>", "").replace("<|sid_end|>", "")
    pattern = r"<\|sid_\d+\|>"
    return re.findall(pattern, sid)


def map_semantic_id_to_titles(semantic_id_str: str, mapping_df: pd.DataFrame) -> dict:
    """
    Map semantic ID to titles with exact match and fallback.
    Returns dict with match_level, titles, count, and match_type.
    """
    levels = parse_semantic_id(semantic_id_str)
    if not levels:
        return {"match_level": 0, "titles": [], "count": 0}
    # Try exact match first
    exact_matches = mapping_df[mapping_df["semantic_id"] == semantic_id_str]
    if len(exact_matches) > 0:
        titles = exact_matches["title"].tolist()
        return {"match_level": 4, "titles": titles, "count": len(titles), "match_type": "exact"}
    # Fallback to prefix matching
    for depth in range(min(3, len(levels)), 0, -1):
        prefix = "<|sid_start|>" + "".join(levels[:depth])
        matches = mapping_df[mapping_df["semantic_id"].str.startswith(prefix)]
        if len(matches) > 0:
            titles = matches["title"].tolist()
            return {
                "match_level": depth,
                "titles": titles[:5],
                "count": len(titles),
                "match_type": "prefix"
            }
    return {"match_level": 0, "titles": [], "count": 0, "match_type": "none"}


def extract_and_replace_semantic_ids(text: str, mapping_df: pd.DataFrame) -> str:
    """Replace all semantic IDs in text with product titles"""
    pattern = r"<\|sid_start\|>(?:<\|sid_\d+\|>)+<\|sid_end\|>"
    semantic_ids = re.findall(pattern, text)
    result = text
    for sid in semantic_ids:
        match_result = map_semantic_id_to_titles(sid, mapping_df)
        if match_result["count"] > 0:
            title = match_result["titles"][0]
            replacement = f'"{title}"'
            if match_result["match_type"] == "prefix":
                replacement += f' (L{match_result["match_level"]} match)'
            if match_result["count"] > 1:
                replacement += f' [+{match_result["count"]-1} similar]'
        else:
            replacement = "[Unknown Item]"
        result = result.replace(sid, replacement)
    return result
# ---- end of verbatim code ----


def main():
    request = json.load(sys.stdin)
    sids, titles = [], []
    with open(request["catalog"], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                sids.append(row["semantic_id"])
                titles.append(row["title"])
    df = pd.DataFrame({"semantic_id": sids, "title": titles})
    json.dump([extract_and_replace_semantic_ids(t, df) for t in request["texts"]], sys.stdout, ensure_ascii=False)


main()
