"""The README is what a newcomer reads first: short, the two commands first, and every CLI
command it shows names a real subcommand with real options."""
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_is_short_and_starts_with_the_two_commands():
    assert len(README.encode("utf-8")) < 6 * 1024
    first_block = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split()[0] for line in first_block] == ["./scripts/start.sh", "./scripts/test.sh"]
    assert all((REPO / line.split()[0]).exists() for line in first_block)


def test_every_cli_command_in_the_readme_exists_with_its_options():
    commands = re.findall(r"(?m)^\.venv/bin/python -m layers ([^#\n]+)", README)
    assert len(commands) >= 6
    for command in commands:
        words = shlex.split(command)
        help_text = subprocess.run([sys.executable, "-m", "layers", words[0], "--help"], cwd=REPO,
                                   capture_output=True, text=True, timeout=120)
        assert help_text.returncode == 0, (command, help_text.stderr)
        for option in (w for w in words[1:] if w.startswith("--")):
            assert option in help_text.stdout, (command, option)


def test_every_link_in_the_readme_points_at_a_file():
    targets = re.findall(r"\]\(([^)#]+)\)", README)
    assert targets and all((REPO / t).exists() for t in targets)
