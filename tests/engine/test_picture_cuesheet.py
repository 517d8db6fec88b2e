"""engine/picture/cuesheet.py: CSV/TSV cue sheets in and out, all or nothing."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.picture.cuesheet import MAX_CUES, Cue, CueSheetError, read_cue_sheet, write_cue_sheet
from engine.picture.timecode import frames_to_us


def problems(data, fps="25"):
    with pytest.raises(CueSheetError) as refused:
        read_cue_sheet(data, fps)
    return [(p.line, p.reason) for p in refused.value.problems]


def test_a_plain_csv_with_a_header():
    sheet = "Timecode,Label,Kind\n00:00:01:00,Door slams,hit\n00:00:04:12,End of scene,Cadence\n12.5,,START\n"
    assert read_cue_sheet(sheet, "25") == [
        Cue(1_000_000, "Door slams", "hit"), Cue(4_480_000, "End of scene", "cadence"), Cue(12_500_000, "", "start")]


def test_tsv_without_a_header_crlf_and_a_bom_in_bytes():
    sheet = "\ufeff00:00:01:00\tDoor\thit\r\n\r\n00:01:00;02\tCut\tstop\r\n".encode()
    assert read_cue_sheet(sheet, "29.97df") == [Cue(frames_to_us(30, "29.97df"), "Door", "hit"),
                                                Cue(60_060_000, "Cut", "stop")]


def test_utf16_from_a_spreadsheet_and_old_mac_line_ends():
    assert read_cue_sheet("time\tname\ttype\r00:00:02:00\tBoom\thit\r".encode("utf-16"), "24") == [
        Cue(2_000_000, "Boom", "hit")]


def test_quotes_semicolons_and_drop_frame_in_a_semicolon_sheet():
    sheet = ('timecode;label;kind\n00:00:01;00;"Boom; loud";hit\n00;00;02;00;Say "hi";cadence\n'
             '"00:00:03;00";"She said ""go""";stop\n;;\n  ;;;\n')
    assert read_cue_sheet(sheet, "29.97df") == [
        Cue(frames_to_us(30, "29.97df"), "Boom; loud", "hit"), Cue(frames_to_us(60, "29.97df"), 'Say "hi"', "cadence"),
        Cue(frames_to_us(90, "29.97df"), 'She said "go"', "stop")]
    assert read_cue_sheet('00:00:01:00,"Boom, loud",hit\n', "25") == [Cue(1_000_000, "Boom, loud", "hit")]
    assert read_cue_sheet("00:00:01:00;Boom, loud;hit\n", "25") == [Cue(1_000_000, "Boom, loud", "hit")]
    # trailing empty columns from a spreadsheet are fine
    assert read_cue_sheet("1,a,hit,,\n2,b,stop,\n", "25") == [Cue(1_000_000, "a", "hit"), Cue(2_000_000, "b", "stop")]


def test_every_bad_line_is_listed_and_nothing_is_imported():
    sheet = ("timecode,label,kind\n"
             "00:00:01:00,fine,hit\n"
             "soon,bad time,hit\n"
             "00:00:02:00,bad kind,boom\n"
             "00:00:03:00,two columns\n"
             "\n"
             "00:00:04:00,x,hit,extra\n"
             "00:00:05:30,frames,hit\n"
             f"00:00:06:00,{'l' * 81},hit\n"
             "00:00:07:00,bell\x07,hit\n"
             "xx,also the kind,nope\n")
    found = problems(sheet)
    assert [line for line, _ in found] == [3, 4, 5, 7, 8, 9, 10, 11]
    reasons = dict(found)
    assert "'soon' is not a time" in reasons[3] and "hh:mm:ss:ff" in reasons[3]
    assert "hit, cadence, start or stop, not 'boom'" in reasons[4]
    assert "expected 3 columns (timecode, label, kind), found 2" == reasons[5]
    assert "found 4" in reasons[7]
    assert "frames run 00-24" in reasons[8]
    assert "longer than 80" in reasons[9]
    assert "control characters" in reasons[10]
    assert "not a time" in reasons[11] and "not 'nope'" in reasons[11]  # both faults of one line


def test_hostile_sheets():
    assert problems("") == [(None, "the sheet has no cues")]
    assert problems("timecode,label,kind\n\n\n") == [(None, "the sheet has no cues")]
    assert problems(b"00:00:01:00,caf\xe9,hit\n") == [(1, "not UTF-8 text: save the sheet as UTF-8 CSV or "
                                                          "tab-separated text")]
    assert problems(b"1,a,hit\n" * 200_000)[0][1].startswith("the sheet is over 1 MB")
    assert problems("1,a,hit\n" * (MAX_CUES + 1)) == [(None, f"{MAX_CUES + 1} cues: a piece holds at most 1000")]
    assert read_cue_sheet("1,a,hit\n" * MAX_CUES, "25")[-1] == Cue(1_000_000, "a", "hit")
    # an unterminated quote swallows the rest of the file into one cell: that line is bad
    assert problems('00:00:01:00,a,hit\n"00:00:02:00,b,hit\n00:00:03:00,c,hit\n') == [
        (2, "expected 3 columns (timecode, label, kind), found 1")]
    # NUL and a huge cell
    assert problems("00:00:01:00,a\x00b,hit\n")[0][0] == 1
    assert problems("00:00:01:00," + "x" * 200_000 + ",hit\n")[0][0] == 1
    # thousands of junk lines: the first hundred are listed, the rest counted
    found = problems("junk\n" * 5000)
    assert len(found) == 101 and found[-1] == (None, "and 4900 more bad lines")
    # a header only counts as the first row
    assert problems("1,a,hit\ntimecode,label,kind\n")[0][0] == 2
    with pytest.raises(TypeError):
        read_cue_sheet(12, "25")
    with pytest.raises(ValueError, match="frame rate"):
        read_cue_sheet("1,a,hit", "23.976")


def test_written_sheets_read_back():
    cues = [Cue(60_060_000, "Cut", "stop"), Cue(1_001_000, "Door, slams", "hit"), Cue(2_002_000, 'Say "hi"', "cadence")]
    for delimiter in (",", "\t", ";"):
        text = write_cue_sheet(cues, "29.97df", delimiter=delimiter)
        assert text.splitlines()[0] == delimiter.join(("timecode", "label", "kind"))
        assert read_cue_sheet(text, "29.97df") == sorted(cues, key=lambda c: c.time_us)
    assert write_cue_sheet([{"time_us": 1_500_000, "label": "x", "kind": "hit"}], "25") == "timecode,label,kind\r\n" \
        "00:00:01:13,x,hit\r\n"
    # seconds keep every microsecond; timecode snaps to the nearest frame
    odd = [Cue(1_234_567, "odd", "hit")]
    assert read_cue_sheet(write_cue_sheet(odd, "25", seconds=True), "25") == odd
    assert read_cue_sheet(write_cue_sheet(odd, "25"), "25") == [Cue(1_240_000, "odd", "hit")]
    for bad in ([Cue(-1, "", "hit")], [Cue(1, "", "bang")], [Cue(1, "a\nb", "hit")], [Cue(True, "", "hit")]):
        with pytest.raises(ValueError):
            write_cue_sheet(bad, "25")
    with pytest.raises(ValueError):
        write_cue_sheet(cues, "25", delimiter="|")


labels = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs")), max_size=80)


@given(st.lists(st.tuples(st.integers(0, 2_000_000), labels, st.sampled_from(["hit", "cadence", "start", "stop"])),
                min_size=1, max_size=30),
       st.sampled_from(["24", "25", "29.97df", "30"]), st.sampled_from([",", "\t", ";"]), st.booleans())
def test_any_cues_round_trip_through_a_sheet(rows, fps, delimiter, crlf):
    cues = [Cue(frames_to_us(frame, fps), label, kind) for frame, label, kind in rows]
    text = write_cue_sheet(cues, fps, delimiter=delimiter)
    if not crlf:
        text = text.replace("\r\n", "\n")
    assert read_cue_sheet(text.encode(), fps) == sorted(cues, key=lambda c: c.time_us)
