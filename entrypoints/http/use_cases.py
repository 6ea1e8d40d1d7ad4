"""Use cases as typed route dependencies: ``case: GetUserCase`` in a route's signature hands
it the running app's ``GetUser``, built by the app's container (so a test's container, with
its own adapters, serves its own app). Both HTTP surfaces take their use cases this way."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import Depends, Request

from application.use_cases.add_comment import AddComment
from application.use_cases.authenticate import Authenticate
from application.use_cases.create_post import CreatePost
from application.use_cases.deactivate_users import DeactivateUsers
from application.use_cases.delete_comment import DeleteComment
from application.use_cases.delete_post import DeletePost
from application.use_cases.delete_user import DeleteUser
from application.use_cases.favorite_post import FavoritePost, UnfavoritePost
from application.use_cases.follow_user import FollowUser
from application.use_cases.get_post import GetPost
from application.use_cases.get_profile import GetProfile
from application.use_cases.get_user import GetUser
from application.use_cases.get_user_with_posts import GetUserWithPosts
from application.use_cases.identify_caller import IdentifyCaller
from application.use_cases.import_users import ImportUsers
from application.use_cases.list_comments import ListComments
from application.use_cases.list_follows import ListFollows
from application.use_cases.list_posts import ListPosts
from application.use_cases.list_users import ListUsers
from application.use_cases.log_out import LogOut
from application.use_cases.read_articles import (
    GetArticle,
    GetAuthor,
    GetFeed,
    ListArticleComments,
    ListArticles,
    ListTags,
)
from application.use_cases.register_user import RegisterUser
from application.use_cases.search_users import SearchUsers
from application.use_cases.transfer_posts import TransferPosts
from application.use_cases.unfollow_user import UnfollowUser
from application.use_cases.update_post import UpdatePost
from application.use_cases.update_user import UpdateUser
from entrypoints.container import Container


def running_container(request: Request) -> Container:
    """The container of the app serving ``request``."""
    return cast(Container, request.app.state.container)


class Provided:
    """A dependency on one of the container's providers, by name, resolved against the
    running app's container. Resolving is a plain call, so the direct routes (which skip
    FastAPI's dependency solving) resolve it themselves with ``resolve``."""

    def __init__(self, provider: object) -> None:
        names = [name for name, candidate in Container.providers.items() if candidate is provider]
        if len(names) != 1:
            raise ValueError(f"{provider!r} is not one of the container's providers")
        self.name = names[0]

    def resolve(self, request: Request) -> Any:
        return getattr(running_container(request), self.name)()

    async def __call__(self, request: Request) -> Any:  # async: FastAPI runs a plain def on a thread
        return self.resolve(request)

    def __repr__(self) -> str:
        return f"Provided({self.name})"


def provided(provider: object) -> Any:
    """``Depends`` on ``provider`` of the running app's container (see ``Provided``)."""
    return Depends(Provided(provider))


AddCommentCase = Annotated[AddComment, provided(Container.add_comment)]
AuthenticateCase = Annotated[Authenticate, provided(Container.authenticate)]
CreatePostCase = Annotated[CreatePost, provided(Container.create_post)]
DeactivateUsersCase = Annotated[DeactivateUsers, provided(Container.deactivate_users)]
DeleteCommentCase = Annotated[DeleteComment, provided(Container.delete_comment)]
DeletePostCase = Annotated[DeletePost, provided(Container.delete_post)]
DeleteUserCase = Annotated[DeleteUser, provided(Container.delete_user)]
FavoritePostCase = Annotated[FavoritePost, provided(Container.favorite_post)]
FollowUserCase = Annotated[FollowUser, provided(Container.follow_user)]
GetArticleCase = Annotated[GetArticle, provided(Container.get_article)]
GetAuthorCase = Annotated[GetAuthor, provided(Container.get_author)]
GetFeedCase = Annotated[GetFeed, provided(Container.get_feed)]
GetPostCase = Annotated[GetPost, provided(Container.get_post)]
GetProfileCase = Annotated[GetProfile, provided(Container.get_profile)]
GetUserCase = Annotated[GetUser, provided(Container.get_user)]
GetUserWithPostsCase = Annotated[GetUserWithPosts, provided(Container.get_user_with_posts)]
IdentifyCallerCase = Annotated[IdentifyCaller, provided(Container.identify_caller)]
ImportUsersCase = Annotated[ImportUsers, provided(Container.import_users)]
ListArticleCommentsCase = Annotated[ListArticleComments, provided(Container.list_article_comments)]
ListArticlesCase = Annotated[ListArticles, provided(Container.list_articles)]
ListCommentsCase = Annotated[ListComments, provided(Container.list_comments)]
ListFollowsCase = Annotated[ListFollows, provided(Container.list_follows)]
ListPostsCase = Annotated[ListPosts, provided(Container.list_posts)]
ListTagsCase = Annotated[ListTags, provided(Container.list_tags)]
ListUsersCase = Annotated[ListUsers, provided(Container.list_users)]
LogOutCase = Annotated[LogOut, provided(Container.log_out)]
RegisterUserCase = Annotated[RegisterUser, provided(Container.register_user)]
SearchUsersCase = Annotated[SearchUsers, provided(Container.search_users)]
TransferPostsCase = Annotated[TransferPosts, provided(Container.transfer_posts)]
UnfavoritePostCase = Annotated[UnfavoritePost, provided(Container.unfavorite_post)]
UnfollowUserCase = Annotated[UnfollowUser, provided(Container.unfollow_user)]
UpdatePostCase = Annotated[UpdatePost, provided(Container.update_post)]
UpdateUserCase = Annotated[UpdateUser, provided(Container.update_user)]
