class Parser:
    def __init__(self, text):
        self.text = text
    def number(self):
        return int(self.text)
    def parse(self):
        return self.number() * 2

print(Parser("21").parse())
print(Parser("x").parse())
