"""selectors.room_entry, the reconnect storm's hot path: its one SQL statement answers what the ORM
would, its members cache follows every change of members, and non-members learn nothing."""
import pytest
from django.contrib.auth.models import AnonymousUser

from composer_ui import selectors, services
from composer_ui.errors import StudioError
from composer_ui.models import GenerationJob, Membership, Piece

from .factories import first_track_id, make_piece, make_user, note_add
from .generation_helpers import ask, satb_piece

pytestmark = pytest.mark.django_db


def orm_answers(piece_id, user):
    membership = Membership.objects.select_related("piece").get(piece_id=piece_id, user=user)
    open_jobs = GenerationJob.objects.filter(piece_id=piece_id,
                                             status__in=(*GenerationJob.ACTIVE, GenerationJob.READY)).exists()
    return membership.role, membership.colour, membership.piece.head_seq, open_jobs


def test_the_entry_statement_answers_what_the_orm_would():
    editor, viewer = make_user(), make_user()
    piece = make_piece(editors=[editor], viewers=[viewer])
    services.ops_apply(piece_id=piece.pk, user=editor, ops=[note_add("n1", track=first_track_id(piece.pk))],
                       client_op_id="c1")
    for user in (piece.owner, editor, viewer):
        entry = selectors.room_entry(piece_id=piece.pk, user=user)
        role, colour, head_seq, open_jobs = orm_answers(piece.pk, user)
        assert entry.you == {"id": user.pk, "name": user.first_name, "role": role, "colour": colour}
        assert (entry.seq, entry.open_jobs) == (head_seq, [])
        assert (entry.seq, entry.state) == selectors.piece_state(piece_id=piece.pk)
        assert entry.members == selectors.members_list(piece_id=piece.pk)


def test_open_jobs_come_with_the_entry_exactly_when_there_are_some():
    assert set(selectors._OPEN_JOB_STATUSES) == {*GenerationJob.ACTIVE, GenerationJob.READY}
    piece = satb_piece()
    assert selectors.room_entry(piece_id=piece.pk, user=piece.owner).open_jobs == []
    job = ask(piece)
    entry = selectors.room_entry(piece_id=piece.pk, user=piece.owner)
    assert entry.open_jobs == selectors.open_job_messages(piece_id=piece.pk) != []
    assert entry.open_jobs[0]["job_id"] == job.pk and orm_answers(piece.pk, piece.owner)[3]
    GenerationJob.objects.filter(pk=job.pk).update(status=GenerationJob.FAILED)
    assert selectors.room_entry(piece_id=piece.pk, user=piece.owner).open_jobs == []


@pytest.mark.parametrize("piece_id", [0, -1, 10 ** 12, 2 ** 63, 10 ** 30])
def test_strangers_anonymous_users_and_absurd_ids_all_read_not_found(piece_id):
    piece, stranger = make_piece(), make_user()
    for user, pid in ((stranger, piece.pk), (AnonymousUser(), piece.pk), (piece.owner, piece_id), (None, piece.pk)):
        with pytest.raises(StudioError) as raised:
            selectors.room_entry(piece_id=pid, user=user)
        assert raised.value.code == "not_found"


def test_the_cached_members_list_follows_every_change_of_members():
    owner, editor, newcomer = make_user(), make_user(), make_user()
    piece = make_piece(owner, editors=[editor])

    def members():
        listed = selectors.room_entry(piece_id=piece.pk, user=owner).members
        assert listed == selectors.members_list(piece_id=piece.pk)  # the cache never disagrees with the table
        return {m["id"]: m["role"] for m in listed}

    assert members() == {owner.pk: "owner", editor.pk: "editor"}
    invite = services.invite_create(piece_id=piece.pk, acting_user=owner, role="viewer")
    services.invite_accept(token=invite.token, user=newcomer)
    assert members()[newcomer.pk] == "viewer"
    services.invite_accept(token=services.invite_create(piece_id=piece.pk, acting_user=owner).token, user=newcomer)
    assert members()[newcomer.pk] == "editor"  # promoted by an editor's invite
    services.member_role_set(piece_id=piece.pk, acting_user=owner, user_id=editor.pk, role="researcher")
    assert members()[editor.pk] == "researcher"
    services.member_remove(piece_id=piece.pk, acting_user=owner, user_id=newcomer.pk)
    assert newcomer.pk not in members()
    assert Piece.objects.get(pk=piece.pk).members_version == 5  # the editor joining, then the four changes


def test_refused_member_changes_bump_nothing():
    owner, editor, stranger = make_user(), make_user(), make_user()
    piece = make_piece(owner, editors=[editor])
    for change in (lambda: services.member_role_set(piece_id=piece.pk, acting_user=editor, user_id=owner.pk,
                                                    role="viewer"),
                   lambda: services.member_remove(piece_id=piece.pk, acting_user=owner, user_id=stranger.pk),
                   lambda: services.member_remove(piece_id=piece.pk, acting_user=owner, user_id=owner.pk)):
        with pytest.raises(StudioError):
            change()
    assert Piece.objects.get(pk=piece.pk).members_version == 1  # the editor's invite only
