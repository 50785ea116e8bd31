from asb.auth.models import Role
from tests.factories import IncidentFactory


def test_officer_sees_incident_log(client, login_as):
    login_as(Role.OFFICER, "housing")
    IncidentFactory()
    response = client.get("/incidents")
    assert response.status_code == 200
    assert b"ASB-" in response.data
