from tests.attacks.tally import TRIED


def pytest_terminal_summary(terminalreporter):
    if TRIED:
        figures = ", ".join(f"{name}: {count}" for name, count in sorted(TRIED.items()))
        terminalreporter.write_line(f"attack suites tried: {figures}")
