print("tab:\t|", "newline:\\n", 'quote: "', "single: '", "both: '\"")
print(repr("a\tb"), repr("\\"), repr("\r\n"), repr("é"), repr("\u2603"), repr("\x00"))
raw = r"C:\new\table"
print(raw, len(raw), repr(raw))
multi = """line one
  line two
line three"""
print(multi.splitlines(), multi.count("line"))
print("a" "b" "c", ("x"
      "y"))
