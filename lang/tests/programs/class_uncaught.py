class BudgetExceeded(RuntimeError):
    pass

def spend(amount, budget):
    if amount > budget:
        raise BudgetExceeded(f"{amount} > {budget}")
    return budget - amount

left = spend(3, 10)
print(left)
spend(20, left)
