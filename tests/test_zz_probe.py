from flask import g
from asb.auth.models import Role


def test_probe(app, client, login_as):
    login_as(Role.OFFICER, "housing")
    assert client.get("/incidents").status_code == 200
    print("g has user after request:", "_login_user" in g, id(g._get_current_object()))
    other = app.test_client()
    r = other.get("/incidents")
    print("anon client status", r.status_code)
