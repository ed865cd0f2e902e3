import json
samples = ['plain', 'quote " and \\ backslash', 'tab\there\nnewline\r', 'caf\u00e9', 'snow \u2603', 'emoji \U0001F600', '\x00\x1f\x7f', '/slash', '']
for s in samples:
    enc = json.dumps(s)
    print(enc, json.dumps(s, ensure_ascii=False), json.loads(enc) == s)
print(json.dumps({'k\u00e9y': ['v\u00e0l']}), json.dumps({'k\u00e9y': ['v\u00e0l']}, ensure_ascii=False))
print(json.loads('"\\u00e9\\u2603\\ud83d\\ude00\\n\\t\\"\\\\\\/"'))
print(json.loads('"\\b\\f\\r"') == '\b\f\r', len(json.loads('"\\ud83d\\ude00"')))
