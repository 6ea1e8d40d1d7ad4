"""The RealWorld (Conduit) API under ``/api``, operation by operation as its spec says, on
memory, SQLite and PostgreSQL. (HTTP-only behaviour, the same on every backend, is in
``test_realworld_http``.)"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from entrypoints.container import Container
from tests.conftest import BACKENDS
from tests.e2e.conftest import container_on
from tests.e2e.helpers import sign_up
from tests.e2e.realworld import (
    ARTICLE_KEYS,
    PASSWORD,
    PROFILE_KEYS,
    TIMESTAMP,
    errors_of,
    get,
    join,
    slugs,
    write,
)


@pytest.fixture(params=BACKENDS)
async def container(request: pytest.FixtureRequest, hasher: Argon2PasswordHasher) -> Container:
    return await container_on(request, request.param, hasher)


# Users and authentication


async def test_registration_answers_the_user_with_a_working_token_and_no_articles(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/users", json={"user": {"username": "jake", "email": "jake@example.com", "password": PASSWORD}}
    )
    assert response.status_code == 201, response.text
    user = response.json()["user"]
    assert user == {"email": "jake@example.com", "token": user["token"], "username": "jake", "bio": None, "image": None}
    me = await client.get("/api/user", headers={"Authorization": f"Token {user['token']}"})
    assert me.json() == {"user": user}
    assert await get(client, "/api/articles", author="jake") == {"articles": [], "articlesCount": 0}


async def test_a_taken_email_or_username_is_a_422_naming_the_field(client: httpx.AsyncClient) -> None:
    await join(client, "jake")
    taken_email = {"username": "other", "email": "JAKE@example.com", "password": PASSWORD}
    taken_name = {"username": "jake", "email": "other@example.com", "password": PASSWORD}
    assert errors_of(await client.post("/api/users", json={"user": taken_email}), 422) == {
        "email": ["has already been taken"]
    }
    assert errors_of(await client.post("/api/users", json={"user": taken_name}), 422) == {
        "username": ["has already been taken"]
    }


async def test_login_answers_the_user_with_a_new_token_and_refuses_a_wrong_password(
    client: httpx.AsyncClient,
) -> None:
    jake = await join(client, "jake")
    response = await client.post("/api/users/login", json={"user": {"email": jake.email, "password": PASSWORD}})
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert {key: user[key] for key in ("email", "username", "bio", "image")} == {
        "email": jake.email,
        "username": "jake",
        "bio": None,
        "image": None,
    }
    assert user["token"] != jake.token
    assert (await client.get("/api/user", headers={"Authorization": f"Token {user['token']}"})).status_code == 200
    wrong = await client.post("/api/users/login", json={"user": {"email": jake.email, "password": "wrong-horse-9"}})
    assert errors_of(wrong, 401) == {"email or password": ["is invalid"]}


async def test_the_current_user_needs_a_token(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    errors_of(await client.get("/api/user"), 401)
    errors_of(await client.get("/api/user", headers={"Authorization": "Token not-a-token"}), 401)
    assert (await get(client, "/api/user", jake))["user"]["token"] == jake.token


async def test_updating_the_user_changes_what_is_sent_and_keeps_the_rest(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    same_email = await client.put("/api/user", headers=jake.headers, json={"user": {"email": jake.email}})
    assert same_email.status_code == 200, same_email.text
    changed = {"bio": "I like to skateboard", "image": "https://i.example.com/jake.jpg", "username": "jacob"}
    response = await client.put("/api/user", headers=jake.headers, json={"user": changed})
    assert response.status_code == 200, response.text
    assert response.json()["user"] == {"email": jake.email, "token": jake.token, **changed}
    assert (await get(client, "/api/profiles/jacob"))["profile"]["bio"] == "I like to skateboard"
    cleared = await client.put("/api/user", headers=jake.headers, json={"user": {"bio": None}})
    assert cleared.json()["user"]["bio"] is None


async def test_a_new_password_ends_the_old_tokens_and_answers_a_working_one(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    response = await client.put("/api/user", headers=jake.headers, json={"user": {"password": "new-horse-9"}})
    assert response.status_code == 200, response.text
    token = response.json()["user"]["token"]
    errors_of(await client.get("/api/user", headers=jake.headers), 401)
    assert (await client.get("/api/user", headers={"Authorization": f"Token {token}"})).status_code == 200
    login = await client.post("/api/users/login", json={"user": {"email": jake.email, "password": "new-horse-9"}})
    assert login.status_code == 200


async def test_updating_to_a_taken_username_is_a_422_and_changes_nothing(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    await join(client, "anna")
    response = await client.put("/api/user", headers=jake.headers, json={"user": {"username": "anna", "bio": "x"}})
    assert errors_of(response, 422) == {"username": ["has already been taken"]}
    assert (await get(client, "/api/user", jake))["user"]["bio"] is None


# Profiles


async def test_a_profile_says_whether_the_reader_follows_it(client: httpx.AsyncClient) -> None:
    jake, anna = await join(client, "jake"), await join(client, "anna")
    profile = (await get(client, "/api/profiles/anna"))["profile"]
    assert profile == {"username": "anna", "bio": None, "image": None, "following": False}
    followed = await client.post("/api/profiles/anna/follow", headers=jake.headers)
    assert followed.status_code == 200
    assert followed.json() == {"profile": {**profile, "following": True}}
    assert (await get(client, "/api/profiles/anna", jake))["profile"]["following"] is True
    assert (await get(client, "/api/profiles/anna"))["profile"]["following"] is False
    again = await client.post("/api/profiles/anna/follow", headers=jake.headers)
    assert again.status_code == 200 and again.json()["profile"]["following"] is True
    unfollowed = await client.delete("/api/profiles/anna/follow", headers=jake.headers)
    assert unfollowed.status_code == 200
    assert unfollowed.json() == {"profile": profile}
    assert (await get(client, "/api/profiles/anna", anna))["profile"]["following"] is False


async def test_profiles_of_nobody_are_404_and_following_needs_a_token(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    errors_of(await client.get("/api/profiles/nobody"), 404)
    errors_of(await client.post("/api/profiles/nobody/follow", headers=jake.headers), 404)
    errors_of(await client.delete("/api/profiles/nobody/follow", headers=jake.headers), 404)
    errors_of(await client.post("/api/profiles/jake/follow"), 401)
    errors_of(await client.post("/api/profiles/jake/follow", headers=jake.headers), 422)  # oneself


# Articles


async def test_a_new_article_has_a_slug_sorted_tags_and_its_author(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    article = await write(client, jake, tags=["training", "dragons", "training"])
    assert set(article) == ARTICLE_KEYS
    assert article["slug"] == "how-to-train-your-dragon"
    assert article["tagList"] == ["dragons", "training"]
    assert (article["favorited"], article["favoritesCount"]) == (False, 0)
    assert article["author"] == {"username": "jake", "bio": None, "image": None, "following": False}
    assert TIMESTAMP.match(article["createdAt"]) and TIMESTAMP.match(article["updatedAt"])
    assert (await get(client, f"/api/articles/{article['slug']}"))["article"] == article


async def test_the_same_title_twice_gets_two_slugs(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    first, second = await write(client, jake), await write(client, jake)
    assert first["slug"] != second["slug"]
    assert second["slug"].startswith("how-to-train-your-dragon-")
    both = await asyncio.gather(*(write(client, jake, "Same moment") for _ in range(4)))
    assert len({article["slug"] for article in both}) == 4


async def test_articles_list_newest_first_and_narrow_by_tag_author_and_favourite(
    client: httpx.AsyncClient,
) -> None:
    jake, anna = await join(client, "jake"), await join(client, "anna")
    dragons = await write(client, jake, "Dragons", tags=["dragons"])
    cats = await write(client, anna, "Cats", tags=["cats"])
    both = await write(client, anna, "Cats and dragons", tags=["dragons", "cats"])
    await client.post(f"/api/articles/{cats['slug']}/favorite", headers=jake.headers)
    everything = await get(client, "/api/articles")
    assert slugs(everything) == [both["slug"], cats["slug"], dragons["slug"]]
    assert everything["articlesCount"] == 3
    assert all(set(article) == ARTICLE_KEYS for article in everything["articles"])
    assert slugs(await get(client, "/api/articles", tag="dragons")) == [both["slug"], dragons["slug"]]
    assert slugs(await get(client, "/api/articles", author="anna")) == [both["slug"], cats["slug"]]
    favoured = await get(client, "/api/articles", favorited="jake")
    assert slugs(favoured) == [cats["slug"]] and favoured["articlesCount"] == 1
    assert favoured["articles"][0]["favoritesCount"] == 1
    narrowed = await get(client, "/api/articles", tag="cats", author="anna", favorited="jake")
    assert slugs(narrowed) == [cats["slug"]]
    for name, nobody in (("author", "nobody"), ("favorited", "nobody"), ("tag", "nothing")):
        assert await get(client, "/api/articles", None, **{name: nobody}) == {"articles": [], "articlesCount": 0}


async def test_offset_and_limit_page_the_list_and_the_count_is_the_whole_list(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    written = [await write(client, jake, f"Article {number}") for number in range(5)]
    newest_first = [article["slug"] for article in reversed(written)]
    page = await get(client, "/api/articles", offset=1, limit=2)
    assert slugs(page) == newest_first[1:3] and page["articlesCount"] == 5
    assert slugs(await get(client, "/api/articles", offset=4, limit=20)) == newest_first[4:]
    assert (await get(client, "/api/articles", offset=10))["articles"] == []


async def test_the_reader_sees_what_they_favour_and_whom_they_follow(client: httpx.AsyncClient) -> None:
    jake, anna = await join(client, "jake"), await join(client, "anna")
    article = await write(client, anna)
    await client.post("/api/profiles/anna/follow", headers=jake.headers)
    await client.post(f"/api/articles/{article['slug']}/favorite", headers=jake.headers)
    seen = (await get(client, f"/api/articles/{article['slug']}", jake))["article"]
    assert (seen["favorited"], seen["favoritesCount"], seen["author"]["following"]) == (True, 1, True)
    anonymous = (await get(client, "/api/articles"))["articles"][0]
    assert (anonymous["favorited"], anonymous["favoritesCount"], anonymous["author"]["following"]) == (False, 1, False)


async def test_the_feed_holds_the_articles_of_followed_authors_newest_first(client: httpx.AsyncClient) -> None:
    jake, anna, bob = await join(client, "jake"), await join(client, "anna"), await join(client, "bob")
    await write(client, jake, "Mine")
    first = await write(client, anna, "First")
    await write(client, bob, "Not followed")
    second = await write(client, anna, "Second")
    assert await get(client, "/api/articles/feed", jake) == {"articles": [], "articlesCount": 0}
    await client.post("/api/profiles/anna/follow", headers=jake.headers)
    feed = await get(client, "/api/articles/feed", jake)
    assert slugs(feed) == [second["slug"], first["slug"]] and feed["articlesCount"] == 2
    assert all(article["author"]["following"] for article in feed["articles"])
    assert slugs(await get(client, "/api/articles/feed", jake, offset=1, limit=1)) == [first["slug"]]
    errors_of(await client.get("/api/articles/feed"), 401)


async def test_updating_an_article_keeps_its_slug(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    article = await write(client, jake, tags=["dragons"])
    changes = {"title": "Did you train your dragon?", "body": "With two hands", "tagList": ["pets"]}
    response = await client.put(f"/api/articles/{article['slug']}", headers=jake.headers, json={"article": changes})
    assert response.status_code == 200, response.text
    updated = response.json()["article"]
    assert updated["slug"] == article["slug"]
    assert (updated["title"], updated["body"], updated["tagList"]) == (changes["title"], "With two hands", ["pets"])
    assert updated["description"] == article["description"] and updated["createdAt"] == article["createdAt"]
    assert (await get(client, f"/api/articles/{article['slug']}"))["article"] == updated


async def test_only_the_author_may_change_or_delete_an_article(client: httpx.AsyncClient) -> None:
    jake, anna = await join(client, "jake"), await join(client, "anna")
    url = f"/api/articles/{(await write(client, jake))['slug']}"
    errors_of(await client.put(url, headers=anna.headers, json={"article": {"body": "Mine now"}}), 403)
    errors_of(await client.delete(url, headers=anna.headers), 403)
    errors_of(await client.put(url, json={"article": {"body": "Nobody's"}}), 401)
    errors_of(await client.delete(url), 401)
    assert (await client.delete(url, headers=jake.headers)).status_code == 204
    errors_of(await client.get(url), 404)
    errors_of(await client.delete(url, headers=jake.headers), 404)
    errors_of(await client.put(url, headers=jake.headers, json={"article": {"body": "Gone"}}), 404)


async def test_drafts_written_through_api_v1_do_not_exist_here(client: httpx.AsyncClient) -> None:
    author = await sign_up(client, "drafter")
    response = await client.post(
        "/api/v1/posts", headers=author.headers, json={"title": "Secret plans", "content": "Shh", "published": False}
    )
    assert response.status_code == 201
    login = await client.post("/api/users/login", json={"user": {"email": author.email, "password": author.password}})
    drafter = {"Authorization": f"Token {login.json()['user']['token']}"}
    only_the_welcome_post = ["welcome-drafter"]
    assert slugs(await get(client, "/api/articles")) == only_the_welcome_post
    assert slugs((await client.get("/api/articles", headers=drafter)).json()) == only_the_welcome_post
    for slug in ("secret-plans", str(response.json()["id"])):
        errors_of(await client.get(f"/api/articles/{slug}", headers=drafter), 404)
    errors_of(await client.put("/api/articles/secret-plans", headers=drafter, json={"article": {"body": "x"}}), 404)
    errors_of(await client.post("/api/articles/secret-plans/favorite", headers=drafter), 404)
    errors_of(await client.get("/api/articles/secret-plans/comments"), 404)


async def test_welcome_posts_of_api_v1_users_are_articles(client: httpx.AsyncClient) -> None:
    await sign_up(client, "veteran")
    listed = await get(client, "/api/articles", author="veteran")
    assert listed["articlesCount"] == 1 and listed["articles"][0]["author"]["username"] == "veteran"


# Favourites


async def test_favouring_counts_each_reader_once_and_unfavouring_answers_the_article(
    client: httpx.AsyncClient,
) -> None:
    jake, anna = await join(client, "jake"), await join(client, "anna")
    url = f"/api/articles/{(await write(client, jake))['slug']}/favorite"
    favoured = await client.post(url, headers={**anna.headers, "Content-Type": "application/json"})
    assert favoured.status_code == 200, favoured.text
    assert (favoured.json()["article"]["favorited"], favoured.json()["article"]["favoritesCount"]) == (True, 1)
    twice = await asyncio.gather(*(client.post(url, headers=anna.headers) for _ in range(3)))
    assert [response.json()["article"]["favoritesCount"] for response in twice] == [1, 1, 1]
    both = await client.post(url, headers=jake.headers)
    assert both.json()["article"]["favoritesCount"] == 2
    unfavoured = await client.delete(url, headers=anna.headers)
    assert unfavoured.status_code == 200
    assert (unfavoured.json()["article"]["favorited"], unfavoured.json()["article"]["favoritesCount"]) == (False, 1)
    errors_of(await client.post(url), 401)
    errors_of(await client.post("/api/articles/nothing/favorite", headers=anna.headers), 404)


# Comments


async def test_comments_are_added_listed_newest_first_and_deleted_by_their_writer(client: httpx.AsyncClient) -> None:
    jake, anna = await join(client, "jake"), await join(client, "anna")
    url = f"/api/articles/{(await write(client, jake))['slug']}/comments"
    response = await client.post(url, headers=anna.headers, json={"comment": {"body": "Thank you so much!"}})
    assert response.status_code == 200, response.text
    comment = response.json()["comment"]
    assert set(comment) == {"id", "createdAt", "updatedAt", "body", "author"}
    assert isinstance(comment["id"], int) and comment["body"] == "Thank you so much!"
    assert TIMESTAMP.match(comment["createdAt"]) and TIMESTAMP.match(comment["updatedAt"])
    assert set(comment["author"]) == PROFILE_KEYS and comment["author"]["username"] == "anna"
    later = (await client.post(url, headers=jake.headers, json={"comment": {"body": "Welcome"}})).json()["comment"]
    assert [c["id"] for c in (await get(client, url))["comments"]] == [later["id"], comment["id"]]
    errors_of(await client.delete(f"{url}/{comment['id']}", headers=jake.headers), 403)
    errors_of(await client.delete(f"{url}/{comment['id']}"), 401)
    assert (await client.delete(f"{url}/{comment['id']}", headers=anna.headers)).status_code == 204
    errors_of(await client.delete(f"{url}/{comment['id']}", headers=anna.headers), 404)
    assert [c["id"] for c in (await get(client, url, jake))["comments"]] == [later["id"]]
    errors_of(await client.post(url, json={"comment": {"body": "Anonymous"}}), 401)
    errors_of(await client.get("/api/articles/nothing/comments"), 404)


async def test_a_comment_of_another_article_is_not_found_under_this_one(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    first, second = await write(client, jake, "First"), await write(client, jake, "Second")
    comment = await client.post(
        f"/api/articles/{first['slug']}/comments", headers=jake.headers, json={"comment": {"body": "Here"}}
    )
    wrong = f"/api/articles/{second['slug']}/comments/{comment.json()['comment']['id']}"
    errors_of(await client.delete(wrong, headers=jake.headers), 404)


# Tags


async def test_tags_are_those_articles_carry(client: httpx.AsyncClient) -> None:
    jake = await join(client, "jake")
    assert await get(client, "/api/tags") == {"tags": []}
    await write(client, jake, "One", tags=["dragons", "training"])
    await write(client, jake, "Two", tags=["dragons", "cats"])
    assert sorted((await get(client, "/api/tags"))["tags"]) == ["cats", "dragons", "training"]
