import re
LOG = re.compile(r'(?P<ip>\d+\.\d+\.\d+\.\d+) - - \[(?P<when>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1\.[01]" (?P<status>\d{3}) (?P<size>\d+|-)')
lines = [
    '10.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326',
    '10.0.0.2 - - [10/Oct/2023:13:55:40 +0000] "POST /api/login HTTP/1.1" 401 -',
    'garbage line',
    '10.0.0.1 - - [10/Oct/2023:13:56:01 +0000] "GET /img/logo.png HTTP/1.0" 304 0',
]
total = 0
for line in lines:
    m = LOG.match(line)
    if not m:
        print('skip:', line)
        continue
    d = m.groupdict()
    size = 0 if d['size'] == '-' else int(d['size'])
    total += size
    print(d['ip'], d['method'], d['path'], d['status'], size)
print('bytes', total)
print(re.findall(r'"(\w+) (/[\w/.]*)', '\n'.join(lines)))
