//! The access line's JSON, written by hand; every other line goes to tracing-subscriber's JSON
//! formatter.
//!
//! One access line per request makes its formatting part of every request's cost: the generic
//! formatter (a serde map per line, a visitor per field, the current span looked up) was a fifth
//! of a refused call's time. This writes the same object (`timestamp`, `level`, the fields at the
//! top level, `target`) straight into the line, escaping strings as JSON requires.

use std::fmt::{self, Write};

use tracing::{
    Event, Subscriber,
    field::{Field, Visit},
};
use tracing_subscriber::{
    fmt::{
        FmtContext, FormatEvent, FormatFields,
        format::{self, Writer},
    },
    registry::LookupSpan,
};

/// The target of the access line (`http::request_log`).
pub const TARGET: &str = "access";

/// The access line by hand, anything else by `json`.
pub struct AccessLineFirst<J> {
    pub json: J,
}

impl<S, N, J> FormatEvent<S, N> for AccessLineFirst<J>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    J: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let metadata = event.metadata();
        if metadata.target() != TARGET {
            return self.json.format_event(context, writer, event);
        }
        writer.write_str("{\"timestamp\":\"")?;
        write_timestamp(&mut writer)?;
        writer.write_str("\",\"level\":\"")?;
        writer.write_str(metadata.level().as_str())?;
        writer.write_char('"')?;
        let mut fields = Fields {
            writer: &mut writer,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writeln!(writer, ",\"target\":\"{TARGET}\"}}")
    }
}

/// Writes each field as `,"name":value`.
struct Fields<'a, 'w> {
    writer: &'a mut Writer<'w>,
    result: fmt::Result,
}

impl Fields<'_, '_> {
    fn field(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = (|| {
                self.writer.write_str(",\"")?;
                self.writer.write_str(field.name())?;
                self.writer.write_str("\":")?;
                value(self.writer)
            })();
        }
    }
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.field(field, |w| {
            w.write_char('"')?;
            Escaped(w).write_str(value)?;
            w.write_char('"')
        });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.field(field, |w| {
            w.write_char('"')?;
            write!(Escaped(w), "{value:?}")?;
            w.write_char('"')
        });
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.field(field, |w| write!(w, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.field(field, |w| write!(w, "{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.field(field, |w| write!(w, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // JSON has no NaN or infinity.
        if value.is_finite() {
            self.field(field, |w| write!(w, "{value}"));
        } else {
            self.field(field, |w| w.write_str("null"));
        }
    }
}

/// The time now as tracing-subscriber writes it (`2026-11-30T14:05:09.123456Z`, UTC), its date
/// and time of day worked out once a second per thread.
fn write_timestamp(writer: &mut Writer<'_>) -> fmt::Result {
    use std::cell::RefCell;
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let (secs, micros) = (now.as_secs(), now.subsec_micros());
    SECOND.with_borrow_mut(|(second, text)| {
        if *second != secs {
            *second = secs;
            text.clear();
            let at = i64::try_from(secs)
                .ok()
                .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
                .unwrap_or_default();
            let _ = write!(text, "{}", at.format("%Y-%m-%dT%H:%M:%S"));
        }
        writer.write_str(text)?;
        write!(writer, ".{micros:06}Z")
    })
}

/// Writes what it is given as the inside of a JSON string.
struct Escaped<'a, 'w>(&'a mut Writer<'w>);

impl Write for Escaped<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut plain = 0;
        for (at, c) in text.char_indices() {
            let escape = match c {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                c if (c as u32) < 0x20 => "",
                _ => continue,
            };
            self.0.write_str(&text[plain..at])?;
            if escape.is_empty() {
                write!(self.0, "\\u{:04x}", c as u32)?;
            } else {
                self.0.write_str(escape)?;
            }
            plain = at + c.len_utf8();
        }
        self.0.write_str(&text[plain..])
    }
}

/// The formatter for `LOG_FORMAT=json`.
pub fn json() -> AccessLineFirst<format::Format<format::Json>> {
    AccessLineFirst {
        json: format::Format::default()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// What the subscriber writes, kept for the test to read.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_access_line_is_json_with_its_fields_at_the_top_and_strings_escaped() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .event_format(json())
            .with_writer(move || writer.clone())
            .finish();
        let path = "/api/\"odd\"\\path\n\u{1}ç";
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(
                target: "access",
                request_id = %"abc-1",
                user_id = Some(7_i64),
                method = %"POST",
                route = "/api/(other)",
                path,
                status = 404_u16,
                latency_ms = 0.25,
                "request"
            );
            tracing::info!(target: "other", answer = 42, "not an access line");
        });
        let text = String::from_utf8(captured.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        let access = &lines[0];
        assert_eq!(access["target"], "access");
        assert_eq!(access["level"], "INFO");
        assert_eq!(access["message"], "request");
        assert_eq!(access["request_id"], "abc-1");
        assert_eq!(access["user_id"], 7);
        assert_eq!(access["method"], "POST");
        assert_eq!(access["route"], "/api/(other)");
        assert_eq!(access["path"], path);
        assert_eq!(access["status"], 404);
        assert_eq!(access["latency_ms"], 0.25);
        // The same form as the generic formatter's, and the same time.
        let stamp = |line: &serde_json::Value| {
            chrono::DateTime::parse_from_rfc3339(line["timestamp"].as_str().unwrap_or_default())
                .map(|t| t.timestamp_micros())
                .unwrap_or_else(|e| panic!("{e}: {text}"))
        };
        assert_eq!(
            access["timestamp"].as_str().map(str::len),
            Some(27),
            "{text}"
        );
        assert!(
            (stamp(&lines[1]) - stamp(access)).abs() < 1_000_000,
            "{text}"
        );
        // Any other line: the generic formatter, same shape.
        assert_eq!(lines[1]["target"], "other");
        assert_eq!(lines[1]["answer"], 42);
        assert_eq!(lines[1]["message"], "not an access line");
    }
}
