"""No log line carries a whole ID number (API.md, "Personal data"): a search by one puts it in
the query string, which the access log (runserver's django.server, gunicorn's access log) and
django.request write down."""

import copy
import datetime as dt
import io
import logging
import logging.config
import runpy
import types

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from gunicorn.config import Config

from cadres import idnumber
from core.redaction import redact
from tests.factories import CadreFactory

NUMBER = "11010519491231002X"


@pytest.mark.parametrize(
    "line",
    [
        f"GET /cadres/?q={NUMBER} HTTP/1.1",
        f"GET /cadres/?q={NUMBER.lower()}&page=2 HTTP/1.1",
        "GET /cadres/?q=110105+19491231+002X HTTP/1.1",
        "GET /cadres/?q=110105%2019491231%20002X HTTP/1.1",
        "GET /cadres/?q=" + "".join(chr(ord(c) + 0xFEE0) for c in NUMBER),
        "GET /cadres/?q=" + "".join(f"%EF%BC%{0x90 + int(c):02X}" for c in NUMBER[:17]) + "X",
    ],
)
def test_redact_masks_an_id_number_however_typed(line):
    masked = redact(line)
    assert "002X" not in masked and "002x" not in masked and "１２３１" not in masked
    assert "%EF%BC%92X" not in masked  # the full-width "2" of 002 then X
    assert "************" in masked


def test_redact_leaves_other_numbers_alone():
    line = "GET /api/v1/cadres/?page=2&unit=12345678901234567890 HTTP/1.1 200 5120"
    assert redact(line) == line
    assert redact("2026-11-29 20:47:16,123 took 12ms") == "2026-11-29 20:47:16,123 took 12ms"
    # A worker's run time is a fraction, not an ID number.
    line = "Task incentives.tally[5] succeeded in 0.022012345678901234s: None"
    assert redact(line) == line
    # An ID number after a sentence's full stop is still one.
    assert "002X" not in redact(f"Done.{NUMBER}")


def test_runserver_access_line_is_masked(caplog):
    """django.server, as runserver's WSGIRequestHandler.log_message writes it."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = types.SimpleNamespace()
    handler.requestline = f"GET /cadres/?q={NUMBER} HTTP/1.1"
    handler.client_address = ("127.0.0.1", 50000)
    handler.command = "GET"
    with caplog.at_level(logging.INFO, logger="django.server"):
        handler.log_message('"%s" %s %s', handler.requestline, "200", "1234")
    assert caplog.records, "the access line was logged"
    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert NUMBER[14:] not in text and "110105************" in text


STREAM = io.StringIO()


def test_the_console_handler_masks_what_any_logger_sends():
    """settings.LOGGING's console handler, writing to a buffer; a record from any logger."""
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = f"ext://{__name__}.STREAM"
    try:
        logging.config.dictConfig(config)
        logging.getLogger("some.app").warning("looked up %s for %s", NUMBER, "staff1")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    written = STREAM.getvalue()
    assert NUMBER not in written and "110105************ for staff1" in written


@pytest.mark.django_db
def test_django_request_line_is_masked(client, caplog, admin_user):
    """A 404 for a path holding a number is logged by django.request: masked."""
    client.force_login(admin_user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(f"/cadres/{NUMBER}/")
    assert caplog.records and all(NUMBER not in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_admin_search_by_whole_id_number_leaves_no_number_in_the_logs(
    client, caplog, admin_user, tree
):
    cadre = CadreFactory(unit=tree["street"])
    client.force_login(admin_user)
    with caplog.at_level(logging.DEBUG):
        response = client.get("/cadres/", {"q": cadre.id_number})
    assert [r.pk for r in response.context["page_obj"]] == [cadre.pk]
    assert (
        cadre.id_number not in caplog.text and cadre.id_number[14:] not in response.content.decode()
    )


def test_gunicorn_access_log_is_masked(tmp_path):
    """gunicorn.conf.py's logger class, fed a request the way gunicorn's worker logs one."""
    from core.redaction import gunicorn_logger_class

    conf = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert conf["logger_class"] is gunicorn_logger_class

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("logger_class", gunicorn_logger_class)
    log = cfg.logger_class(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/cadres/?q={NUMBER}",
        "PATH_INFO": "/cadres/",
        "QUERY_STRING": f"q={NUMBER}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://dandang.example/cadres/?q={NUMBER}",
        "HTTP_USER_AGENT": "test",
    }
    request = types.SimpleNamespace(
        headers=[],
        method="GET",
        uri=f"/cadres/?q={NUMBER}",
        path="/cadres/",
        query=f"q={NUMBER}",
        version=(1, 1),
    )
    response = types.SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    log.access(response, request, environ, dt.timedelta(seconds=0.01))
    for handler in log.access_log.handlers:
        handler.flush()
    written = (tmp_path / "access.log").read_text()
    assert "/cadres/?q=110105************" in written and NUMBER[14:] not in written
    assert idnumber.mask(NUMBER) in written


def test_a_celery_workers_handlers_get_the_filter():
    """Celery replaces the root logger's handlers in a worker; the signal puts the filter back."""
    from celery.signals import after_setup_logger

    from config.celery import app

    logger = logging.getLogger("celery.test.redaction")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        after_setup_logger.send(
            sender=None,
            logger=logger,
            loglevel=logging.INFO,
            logfile=None,
            format="%(message)s",
            colorize=False,
        )
        logger.warning("task for %s", NUMBER)
    finally:
        logger.removeHandler(handler)
    assert app.main == "dandang"
    assert NUMBER not in stream.getvalue() and "110105************" in stream.getvalue()
