# Regex scanning (pyperformance regex_effbot/regex_v8 style, much smaller), written for the corpus.
import re
corpus = ' '.join('user%d@host%d.example.com visited /page/%d?id=%d at 2024-%02d-%02d' % (i, i % 7, i, i * 13, i % 12 + 1, i % 28 + 1) for i in range(300))
emails = re.findall(r'[\w.]+@[\w.]+\.com', corpus)
pages = re.findall(r'/page/(\d+)\?id=(\d+)', corpus)
dates = re.findall(r'(\d{4})-(\d\d)-(\d\d)', corpus)
print(len(emails), emails[:3], len(pages), pages[-2:], dates[:2])
hosts = {}
for m in re.finditer(r'@(host\d)', corpus):
    hosts[m.group(1)] = hosts.get(m.group(1), 0) + 1
print(sorted(hosts.items()))
print(len(re.sub(r'\d', '', corpus)), re.subn(r'example', 'sample', corpus)[1], len(re.split(r'\s+', corpus)))
