checks = [
    (ZeroDivisionError, ArithmeticError), (KeyError, LookupError), (IndexError, LookupError),
    (RecursionError, RuntimeError), (NotImplementedError, RuntimeError), (ValueError, Exception),
    (KeyError, ValueError), (Exception, BaseException), (StopIteration, Exception),
    (ModuleNotFoundError, ImportError), (TimeoutError, OSError),
]
for sub, sup in checks:
    print(sub.__name__, sup.__name__, issubclass(sub, sup))
def catch(exc):
    try:
        raise exc
    except ArithmeticError:
        return "arith"
    except LookupError:
        return "lookup"
    except Exception as e:
        return "other " + type(e).__name__
print([catch(e) for e in [ZeroDivisionError, OverflowError, KeyError("k"), IndexError, TypeError("t")]])
