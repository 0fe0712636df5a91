import CMemory

/// Streams the surviving rows of each transformed tile into a pseudo-experiment's view columns and
/// provenance, in whole 64-byte lines with non-temporal stores.
///
/// Why: the view (~100 MB for 1 M events) and its provenance (5 bytes per row) are written once
/// and not read again by this thread. Stores through the caches would first read every line
/// (read-for-ownership) and push the tiles being computed out of the caches; non-temporal stores
/// of whole lines do neither. A tile's values rarely fill whole lines, so each column's last
/// partial line waits in a 64-byte carry until the next tiles fill it (`fuq_stream_append`).
/// ``finish()`` writes the partial lines and fences the stores, after which the memory may be
/// read by any thread.
struct ViewStreamer {
    /// Bytes of scratch the streamer needs for `columns` view columns: a carry per column and
    /// per provenance column, and room for one tile's provenance.
    static func scratchBytes(columns: Int, tileRows: Int) -> Int {
        64 * (columns + 2) + tileRows * (MemoryLayout<Int32>.size + 1)
    }

    private let view: UnsafeMutablePointer<Float>
    private let columns: Int
    private let columnStride: Int
    private let poolRows: UnsafeMutablePointer<Int32>
    private let codes: UnsafeMutablePointer<UInt8>
    private let carry: UnsafeMutableRawPointer
    private let tilePoolRows: UnsafeMutablePointer<Int32>
    private let tileCodes: UnsafeMutablePointer<UInt8>
    /// Rows appended so far.
    private(set) var count = 0

    /// A streamer into `columns` columns of `view` (column `f` at `view + f * columnStride`, room
    /// for `columnStride` rows each) and into `poolRows` and `codes` (as many), with `scratch`
    /// of ``scratchBytes(columns:tileRows:)`` bytes, 64-byte aligned, for tiles of at most
    /// `tileRows` rows.
    init(view: UnsafeMutablePointer<Float>, columns: Int, columnStride: Int,
         poolRows: UnsafeMutablePointer<Int32>, codes: UnsafeMutablePointer<UInt8>,
         scratch: UnsafeMutableRawBufferPointer, tileRows: Int) {
        precondition(scratch.count >= Self.scratchBytes(columns: columns, tileRows: tileRows),
                     "the streamer needs \(Self.scratchBytes(columns: columns, tileRows: tileRows)) bytes of scratch, got \(scratch.count)")
        self.view = view
        self.columns = columns
        self.columnStride = columnStride
        self.poolRows = poolRows
        self.codes = codes
        carry = scratch.baseAddress!
        let provenance = carry + 64 * (columns + 2)
        tilePoolRows = provenance.bindMemory(to: Int32.self, capacity: tileRows)
        tileCodes = (provenance + tileRows * MemoryLayout<Int32>.size).bindMemory(to: UInt8.self, capacity: tileRows)
    }

    /// Appends the surviving rows of `output` (feature `f` is view column `f`); surviving row
    /// `k` came from tile position `output.rows[k]`, whose pool row and process code are
    /// `poolRowsOfTile` and `codesOfTile` at that position.
    mutating func append(_ output: TransformedEvents, poolRowsOfTile: UnsafePointer<Int32>,
                         codesOfTile: UnsafePointer<UInt8>) {
        let c = output.count
        precondition(count + c <= columnStride, "\(count + c) rows exceed the view's \(columnStride)")
        output.storage.withUnsafeBufferPointer { tile in
            fuq_stream_rows(view, columnStride, columns, count, tile.baseAddress!, output.capacity, c,
                            carry.assumingMemoryBound(to: Float.self))
        }
        output.rows.withUnsafeBufferPointer { positions in
            for k in 0..<c {
                let position = Int(positions[k])
                tilePoolRows[k] = poolRowsOfTile[position]
                tileCodes[k] = codesOfTile[position]
            }
        }
        let int32 = MemoryLayout<Int32>.size
        fuq_stream_append(poolRows, count * int32, tilePoolRows, c * int32, carry + 64 * columns)
        fuq_stream_append(codes, count, tileCodes, c, carry + 64 * (columns + 1))
        count += c
    }

    /// Writes the lines still partial and fences the non-temporal stores.
    func finish() {
        fuq_stream_rows_finish(view, columnStride, columns, count, carry.assumingMemoryBound(to: Float.self))
        fuq_stream_finish(poolRows, count * MemoryLayout<Int32>.size, carry + 64 * columns)
        fuq_stream_finish(codes, count, carry + 64 * (columns + 1))
        fuq_store_fence()
    }
}
