//! Errors as RFC 9457 `application/problem+json`, naming the row and column as the CLI does.

use crate::error::Error;
use crate::ingest::frame::{prefix_at_most, quote_at_most};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A problem+json body.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A short, stable summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What is wrong, in the CLI's words.
    pub detail: String,
    /// The row, as a spreadsheet numbers it (header = row 1), when one row is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The column at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Problem {
    /// A problem with no row or column.
    pub fn new(status: StatusCode, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            row: None,
            column: None,
        }
    }

    /// The problem of a library error met reading a request's data: 400 when the body cannot
    /// be read as a table at all, 422 when it can but its content is invalid, 500 for the
    /// server's own files. The message never shows the server's temporary file names.
    pub fn of_input(e: &Error) -> Self {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        match e {
            Error::Cell {
                row,
                column,
                message,
                ..
            } => Problem {
                row: Some(*row),
                column: Some(column.clone()).filter(|c| !c.is_empty()),
                ..Problem::new(
                    unprocessable,
                    "invalid value",
                    format!("row {row}, column `{column}`: {message}"),
                )
            },
            Error::Structure { message, .. } => {
                let column = backticked(message);
                let status = if message.starts_with("not valid JSON") {
                    StatusCode::BAD_REQUEST
                } else {
                    unprocessable
                };
                Problem {
                    column,
                    ..Problem::new(status, "invalid table", message.clone())
                }
            }
            Error::Polars { message, .. } => {
                Problem::new(StatusCode::BAD_REQUEST, "unreadable table", message.clone())
            }
            Error::Usage(m) => Problem::new(StatusCode::BAD_REQUEST, "invalid option", m.clone()),
            Error::Model { .. } | Error::Io { .. } => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server error",
                e.to_string(),
            ),
        }
    }
}

/// The first `name` quoted in backticks in a message (the CLI names columns that way).
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_string())
}

/// Most bytes of a problem's `detail`.
pub const MAX_DETAIL: usize = 2048;

/// Makes every 4xx answer but a page problem+json. Axum answers its own rejections in
/// `text/plain` — a query string that does not parse (`?draws=abc`, `?draws=-1`, an overflow,
/// `?seed=-1`), a path that does not decode, an unknown route or method — and the body limit
/// its 413: their text becomes the problem's `detail` (at most
/// [`crate::ingest::frame::QUOTE_MAX`] bytes of it), their headers (`Allow`,
/// `WWW-Authenticate`) are kept.
pub async fn problems_only(req: Request, next: Next) -> Response {
    let answer = next.run(req).await;
    let status = answer.status();
    let content_type = answer
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !status.is_client_error()
        || content_type.starts_with("application/problem+json")
        || content_type.starts_with("text/html")
    {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    // Axum's rejection texts are short; a longer body is not read.
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let title = match status {
        StatusCode::BAD_REQUEST => "bad request",
        StatusCode::NOT_FOUND => "not found",
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "body too large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported media type",
        _ => "client error",
    };
    let detail = match text.trim() {
        "" => status
            .canonical_reason()
            .unwrap_or("client error")
            .to_string(),
        t => quote_at_most(t).into_owned(),
    };
    let mut problem = Problem::new(status, title, detail).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

impl IntoResponse for Problem {
    fn into_response(mut self) -> Response {
        // The messages quote what was refused at most QUOTE_MAX bytes at a time; this bounds
        // an answer whatever a message holds.
        if self.detail.len() > MAX_DETAIL {
            let keep = prefix_at_most(&self.detail, MAX_DETAIL).len();
            self.detail.truncate(keep);
            self.detail.push('…');
        }
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever a message holds, an answer's `detail` stays within [`MAX_DETAIL`] bytes (and a
    /// character boundary).
    #[test]
    fn a_long_detail_is_cut() {
        let p = Problem::new(StatusCode::BAD_REQUEST, "t", "é".repeat(5000));
        let r = p.into_response();
        let body = body_of(r);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let detail = v["detail"].as_str().unwrap();
        assert!(
            detail.len() <= MAX_DETAIL + '…'.len_utf8(),
            "{}",
            detail.len()
        );
        assert!(detail.ends_with('…'));
    }

    fn body_of(r: Response) -> Vec<u8> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(axum::body::to_bytes(r.into_body(), usize::MAX))
            .unwrap()
            .to_vec()
    }
}
