from django.test import override_settings


@override_settings(DEBUG=False)
def test_not_found_page_is_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_forbidden_page_is_chinese(login, leader):
    response = login(leader).get("/imports/")
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
