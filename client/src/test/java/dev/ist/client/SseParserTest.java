package dev.ist.client;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SseParserTest {

    @Test
    void dispatchesEventsWithTheirIdsOnBlankLines() {
        SseParser p = new SseParser(null);
        List<SseEvent> events = p.text("id: 0\ndata: {\"seq\":0}\n\nid: 1\ndata: {\"seq\":1}\n\n");
        assertEquals(List.of(new SseEvent("0", "message", "{\"seq\":0}"), new SseEvent("1", "message", "{\"seq\":1}")),
                events);
        assertEquals("1", p.lastEventId());
    }

    @Test
    void joinsMultiLineDataWithNewlines() {
        SseParser p = new SseParser(null);
        List<SseEvent> events = p.text("data: first\ndata:second\ndata:  indented\n\n");
        // one space after the colon is part of the syntax, further ones are data
        assertEquals("first\nsecond\n indented", events.get(0).data());
    }

    @Test
    void commentsAreHeartbeatsNotEvents() {
        SseParser p = new SseParser("7");
        List<SseEvent> events = p.text(": events of job x\n\n: keep-alive\n\n:keep-alive\n\n");
        assertEquals(List.of(), events);
        assertEquals(3, p.comments());
        assertEquals("7", p.lastEventId(), "comments do not move the id");
    }

    @Test
    void readsTheRetryDelayAndIgnoresABadOne() {
        SseParser p = new SseParser(null);
        p.text("retry: 2000\n\n");
        assertEquals(2000L, p.retryMillis());
        p.text("retry: soon\n\nretry: 1.5\n\n");
        assertEquals(2000L, p.retryMillis());
    }

    @Test
    void theIdMovesOnlyWhenItsEventIsComplete() {
        SseParser p = new SseParser("4");
        assertNull(p.line("id: 5"));
        assertNull(p.line("data: {\"seq\":5}"));
        // the connection drops here: a resume must ask for what follows 4, or event 5 is lost
        assertEquals("4", p.lastEventId());
        SseEvent e = p.line("");
        assertEquals("5", e.id());
        assertEquals("5", p.lastEventId());
    }

    @Test
    void anEventWithoutIdKeepsThePreviousOne() {
        SseParser p = new SseParser(null);
        List<SseEvent> events = p.text("id: 3\ndata: a\n\ndata: b\n\n");
        assertEquals("3", events.get(1).id());
    }

    @Test
    void acceptsCrLfAndCrLineEndingsAndNamedEvents() {
        SseParser p = new SseParser(null);
        List<SseEvent> events = p.text("event: job\r\nid: 9\r\ndata: x\r\n\r\ndata: y\r\r");
        assertEquals(List.of(new SseEvent("9", "job", "x"), new SseEvent("9", "message", "y")), events);
    }

    @Test
    void blankLinesWithoutDataDispatchNothingButMayCarryAnId() {
        SseParser p = new SseParser(null);
        assertEquals(List.of(), p.text("\n\nid: 12\n\n"));
        assertEquals("12", p.lastEventId());
    }

    @Test
    void aFieldWithoutColonIsAFieldWithAnEmptyValue() {
        SseParser p = new SseParser(null);
        List<SseEvent> events = p.text("data\ndata\n\n");
        assertEquals("\n", events.get(0).data());
    }
}
