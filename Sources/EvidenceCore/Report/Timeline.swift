/// Changes per week of the window, with the weeks' failing changes, as numbers and as an inline SVG bar chart.
enum Timeline {
    struct Week: Equatable {
        /// `2026-07-01`: the week's first day (weeks start on the window's first day).
        let start: String
        let changes: Int
        let failing: Int
    }

    static func weeks(_ records: [EvidenceRecord], failing: Set<String>, window: Manifest.WindowInfo) -> [Week] {
        guard let start = Timestamp.parse(window.start), let end = Timestamp.parse(window.end), end > start else { return [] }
        let week: Int64 = 7 * 86_400
        let count = Int((end - start + week - 1) / week)
        var changes = [Int](repeating: 0, count: count)
        var failures = [Int](repeating: 0, count: count)
        for record in records {
            guard let time = Timestamp.parse(record.change.committedAt), time >= start, time < end else { continue }
            let index = Int((time - start) / week)
            changes[index] += 1
            if failing.contains(record.change.commit) { failures[index] += 1 }
        }
        return (0..<count).map { Week(start: Timestamp.dateUTC(start + Int64($0) * week), changes: changes[$0], failing: failures[$0]) }
    }

    /// A bar per week: grey for changes that passed every control, red for changes with a failure.
    static func svg(_ weeks: [Week]) -> String {
        guard !weeks.isEmpty else { return "" }
        let width = 720, height = 180, left = 32, bottom = 28, top = 12
        let plotWidth = width - left - 8, plotHeight = height - bottom - top
        let most = max(1, weeks.map(\.changes).max() ?? 1)
        let slot = Double(plotWidth) / Double(weeks.count)
        let bar = max(2.0, slot * 0.7)
        func y(_ value: Int) -> Double { Double(top) + Double(plotHeight) * (1 - Double(value) / Double(most)) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" "
                     + "aria-label=\"Changes per week; failing changes in red\">"]
        parts.append("<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 8)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>")
        parts.append("<text x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\" font-size=\"10\">\(most)</text>")
        parts.append("<text x=\"\(left - 6)\" y=\"\(top + plotHeight)\" text-anchor=\"end\" font-size=\"10\">0</text>")
        for (index, week) in weeks.enumerated() {
            let x = Double(left) + slot * Double(index) + (slot - bar) / 2
            let passing = week.changes - week.failing
            if passing > 0 {
                parts.append("<rect x=\"\(number(x))\" y=\"\(number(y(week.changes)))\" width=\"\(number(bar))\" height=\"\(number(y(week.failing) - y(week.changes)))\" fill=\"#9aa5b1\"><title>\(week.start): \(week.changes) changes</title></rect>")
            }
            if week.failing > 0 {
                parts.append("<rect x=\"\(number(x))\" y=\"\(number(y(week.failing)))\" width=\"\(number(bar))\" height=\"\(number(y(0) - y(week.failing)))\" fill=\"#c0392b\"><title>\(week.start): \(week.failing) with failures</title></rect>")
            }
            if index % 2 == 0 {
                parts.append("<text x=\"\(number(x + bar / 2))\" y=\"\(height - 10)\" text-anchor=\"middle\" font-size=\"9\">\(week.start.dropFirst(5))</text>")
            }
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}
