"""Helpers for browser tests: logging in, and accessibility checks with axe-core."""

from axe_playwright_python.sync_playwright import Axe

from tests.members.factories import PASSWORD

BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""
    violations = _axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in blocking
    )
    assert not blocking, f"axe-core found accessibility violations on {page.url}:\n{details}"


def log_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would, and land on the home page."""
    page.goto(f"{live_server.url}/compte/connexion/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
