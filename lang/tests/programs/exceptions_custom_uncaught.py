class ValidationError(ValueError):
    def __init__(self, field, reason):
        super().__init__(f"{field}: {reason}")
        self.field = field

def validate(record):
    if "name" not in record:
        raise ValidationError("name", "missing")
    return True

print(validate({"name": "x"}))
validate({"age": 3})
