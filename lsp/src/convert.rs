//! Conversions between the compiler's byte offsets and the protocol's UTF-16
//! positions, and from the editor features' results to protocol types.

use ragc::ide::{
    CompletionItem as RagCompletion, CompletionKind, InlayHint as RagInlayHint, Symbol,
    SymbolKind as RagSymbolKind,
};
use ragc::source::{LineCol, LineIndex, Span};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, DocumentSymbol, Documentation,
    InlayHint, InlayHintLabel, MarkupContent, MarkupKind, Position, Range, SymbolKind, TextEdit,
};

/// The byte offset of an editor position (UTF-16 columns), clamped to the text.
pub fn offset(text: &str, index: &LineIndex, position: Position) -> usize {
    index.offset_of_utf16(
        text,
        LineCol {
            line: position.line,
            col: position.character,
        },
    )
}

pub fn position(text: &str, index: &LineIndex, offset: usize) -> Position {
    let at = index.utf16_position(text, offset);
    Position::new(at.line, at.col)
}

pub fn range(text: &str, index: &LineIndex, span: Span) -> Range {
    Range::new(
        position(text, index, span.start as usize),
        position(text, index, span.end as usize),
    )
}

/// The span of an editor range.
pub fn span(text: &str, index: &LineIndex, range: Range) -> Span {
    let start = offset(text, index, range.start);
    let end = offset(text, index, range.end).max(start);
    Span::new(start, end)
}

/// The range covering a whole text.
pub fn whole(text: &str, index: &LineIndex) -> Range {
    range(text, index, Span::new(0, text.len()))
}

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

pub fn hover_contents(value: String) -> tower_lsp_server::ls_types::HoverContents {
    tower_lsp_server::ls_types::HoverContents::Markup(markdown(value))
}

/// A hint after a value, set off from it by a space.
pub fn inlay_hint(text: &str, index: &LineIndex, hint: RagInlayHint) -> InlayHint {
    InlayHint {
        position: position(text, index, hint.offset),
        label: InlayHintLabel::String(hint.label),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn completion(text: &str, index: &LineIndex, item: RagCompletion) -> CompletionItem {
    let kind = match item.kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Module => CompletionItemKind::MODULE,
        CompletionKind::Type => CompletionItemKind::STRUCT,
        CompletionKind::Enum => CompletionItemKind::ENUM,
        CompletionKind::Variant => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Variable => CompletionItemKind::VARIABLE,
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Parameter => CompletionItemKind::VARIABLE,
        CompletionKind::Unit => CompletionItemKind::UNIT,
        CompletionKind::ResourceType => CompletionItemKind::CLASS,
        CompletionKind::Property => CompletionItemKind::PROPERTY,
        CompletionKind::File => CompletionItemKind::FILE,
    };
    let new_text = item
        .insert_text
        .clone()
        .unwrap_or_else(|| item.label.clone());
    CompletionItem {
        kind: Some(kind),
        detail: item.detail,
        documentation: item
            .documentation
            .map(|doc| Documentation::MarkupContent(markdown(doc))),
        sort_text: Some(item.sort_text),
        filter_text: Some(item.label.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: range(text, index, item.replace),
            new_text,
        })),
        label: item.label,
        ..CompletionItem::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out.
pub fn symbol(text: &str, index: &LineIndex, symbol: Symbol) -> DocumentSymbol {
    let kind = match symbol.kind {
        RagSymbolKind::Import => SymbolKind::FILE,
        RagSymbolKind::Let => SymbolKind::VARIABLE,
        RagSymbolKind::Function => SymbolKind::FUNCTION,
        RagSymbolKind::Enum => SymbolKind::ENUM,
        RagSymbolKind::Variant => SymbolKind::ENUM_MEMBER,
        RagSymbolKind::Type => SymbolKind::STRUCT,
        RagSymbolKind::Field => SymbolKind::FIELD,
        RagSymbolKind::Module => SymbolKind::MODULE,
        RagSymbolKind::Parameter => SymbolKind::PROPERTY,
        RagSymbolKind::Env => SymbolKind::OBJECT,
        RagSymbolKind::Resource => SymbolKind::CLASS,
        RagSymbolKind::DataSource => SymbolKind::INTERFACE,
        RagSymbolKind::Output => SymbolKind::PROPERTY,
        RagSymbolKind::Variable => SymbolKind::VARIABLE,
        RagSymbolKind::Provider | RagSymbolKind::Backend => SymbolKind::NAMESPACE,
        RagSymbolKind::Loop | RagSymbolKind::Condition => SymbolKind::NAMESPACE,
    };
    let children: Vec<DocumentSymbol> = symbol
        .children
        .into_iter()
        .map(|child| self::symbol(text, index, child))
        .collect();
    DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind,
        tags: None,
        deprecated: None,
        range: range(text, index, symbol.span),
        selection_range: range(text, index, symbol.selection_span),
        children: (!children.is_empty()).then_some(children),
    }
}
