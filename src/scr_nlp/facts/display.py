def format_facts(facts, text):
    return ""
