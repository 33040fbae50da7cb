//! Errors as RFC 9457 `application/problem+json`, naming the row and column as the CLI does.

use crate::error::Error;
use axum::http::{header, StatusCode};
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

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
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
