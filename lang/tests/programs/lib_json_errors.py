import json
bad = ['', '   ', '{', '[', '[1,]', '[1 2]', '{"a"}', '{"a":}', '{"a" 1}', '{"a":1 "b":2}', "{'a': 1}", '{1: 2}', '"unterminated', '"bad \\x escape"',
       '"\\u12"', '"\\uZZZZ"', 'tru', 'nul', 'falsey', '1 2', '[1] [2]', '01', '-', '1.', '.5', '+1', '"tab\there"', '{"a":1,}', '[\n  1,\n  2\n  3\n]', '\n\n  {"x": [1, 2,, 3]}']
for text in bad:
    try:
        json.loads(text)
        print('parsed?', repr(text))
    except json.JSONDecodeError as e:
        print(repr(text), '->', e, '|', e.msg, e.pos, e.lineno, e.colno)
try:
    json.loads(b'[1, 2]')
    print('bytes ok')
    json.loads(5)
except TypeError as e:
    print('TypeError', e)
print(isinstance(json.JSONDecodeError('m', 'doc', 0), ValueError))
try:
    json.loads('{"a": nan}')
except ValueError as e:
    print('ValueError', e)
