import Foundation
import Testing
import Backprop

@Suite struct ModelFileTests {
    static let arch = Architecture(inputs: 3, hidden: [.init(units: 4, activation: .relu), .init(units: 2, activation: .gelu)],
                                   outputs: 3, head: .softmaxCrossEntropy)

    @Test func jsonRoundTripsBitForBitInBothPrecisions() throws {
        let d = try Network<Double>(Self.arch, initializer: .glorotNormal, seed: 1)
        #expect(try Network<Double>(json: d.jsonData()) == d)
        let f = try Network<Float>(Self.arch, initializer: .he, seed: 2)
        #expect(try Network<Float>(json: f.jsonData()) == f)
    }

    @Test func safetensorsRoundTripsBitForBitInBothPrecisions() throws {
        let d = try Network<Double>(Self.arch, initializer: .glorotNormal, seed: 1)
        #expect(try Network<Double>(safetensors: d.safetensorsData()) == d)
        let f = try Network<Float>(Self.arch, initializer: .playground, seed: 2)
        #expect(try Network<Float>(safetensors: f.safetensorsData()) == f)
        // A Float network stored as F64 and read as Float is unchanged too.
        #expect(try Network<Float>(safetensors: f.safetensorsData(dtype: "F64")) == f)
    }

    @Test func safetensorsLayoutFollowsTheFormat() throws {
        let net = try Network<Float>(Self.arch, initializer: .he, seed: 3)
        let data = net.safetensorsData()
        let n = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        #expect((8 + Int(n)) % 8 == 0)
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + Int(n)))) as? [String: Any])
        let w0 = try #require(header["layers.0.weight"] as? [String: Any])
        #expect(w0["dtype"] as? String == "F32")
        #expect(w0["shape"] as? [Int] == [4, 3])
        #expect(w0["data_offsets"] as? [Int] == [0, 48])
        let meta = try #require(header["__metadata__"] as? [String: String])
        #expect(meta[Safetensors.architectureKey]?.contains("softmax_ce") == true)
        #expect(data.count == 8 + Int(n) + net.layout.count * 4)
    }

    @Test func writeAndReadFilesByExtension() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = try Network<Double>(Self.arch, initializer: .glorotUniform, seed: 9)
        for name in ["m.json", "m.safetensors"] {
            let url = dir.appendingPathComponent(name)
            try net.write(to: url)
            #expect(try Network<Double>(contentsOf: url) == net)
        }
        #expect(throws: BackpropError.self) { try net.write(to: dir.appendingPathComponent("m.txt")) }
        #expect(throws: BackpropError.self) { try Network<Double>(contentsOf: dir.appendingPathComponent("missing.json")) }
    }

    // MARK: corrupt files give a clear error, never a crash

    func expectInvalid(_ data: Data, mentioning words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try Network<Double>(safetensors: data)
            Issue.record("a corrupt file loaded", sourceLocation: sourceLocation)
        } catch {
            guard case .invalidModelFile(let message) = error else {
                Issue.record("wrong error \(error)", sourceLocation: sourceLocation); return
            }
            for w in words { #expect(message.contains(w), "\(message)", sourceLocation: sourceLocation) }
        }
    }

    /// A safetensors file with the given header text and `dataBytes` zero bytes.
    func file(header: String, dataBytes: Int) -> Data {
        let h = Array(header.utf8)
        var out = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) }
        out += h
        out += [UInt8](repeating: 0, count: dataBytes)
        return Data(out)
    }

    static let tinyArch = #"{\"inputs\":1,\"hidden\":[],\"outputs\":1,\"head\":\"identity_mse\"}"#

    @Test func truncatedSafetensorsAreRefused() throws {
        let good = try Network<Double>(Self.arch, initializer: .he, seed: 4).safetensorsData()
        expectInvalid(Data(), mentioning: "too short")
        expectInvalid(good.prefix(5), mentioning: "too short")
        expectInvalid(good.prefix(40), mentioning: "header length")
        expectInvalid(good.prefix(good.count - 3), mentioning: "outside")
        // Every prefix fails cleanly.
        for cut in stride(from: 0, to: good.count, by: 7) {
            #expect(throws: BackpropError.self) { try Network<Double>(safetensors: good.prefix(cut)) }
        }
    }

    @Test func badHeaderLengthWrongDtypeAndShapeMismatchAreNamed() {
        var huge = Data([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
        huge.append(Data("{}".utf8))
        expectInvalid(huge, mentioning: "header length")
        expectInvalid(file(header: "not json", dataBytes: 0), mentioning: "not valid JSON")
        expectInvalid(file(header: "[1,2]", dataBytes: 0), mentioning: "not a JSON object")
        let meta = "\"__metadata__\":{\"backprop.architecture\":\"\(Self.tinyArch)\"}"
        expectInvalid(file(header: "{\(meta),\"layers.0.weight\":{\"dtype\":\"F16\",\"shape\":[1,1],\"data_offsets\":[0,2]},\"layers.0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[2,10]}}", dataBytes: 10),
                      mentioning: "F16")
        expectInvalid(file(header: "{\(meta),\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[0,8]},\"layers.0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", dataBytes: 16),
                      mentioning: "layers.0.weight", "shape")
        expectInvalid(file(header: "{\(meta),\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[2,1],\"data_offsets\":[0,16]},\"layers.0.bias\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}", dataBytes: 24),
                      mentioning: "[2, 1]", "needs [1, 1]")
        expectInvalid(file(header: "{\(meta),\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}}", dataBytes: 8),
                      mentioning: "layers.0.bias", "missing")
        expectInvalid(file(header: "{\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}}", dataBytes: 8),
                      mentioning: "architecture")
        expectInvalid(file(header: "{\(meta),\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", dataBytes: 8),
                      mentioning: "impossible shape")
    }

    @Test func corruptJSONModelsAreRefusedWithTheKeyPath() throws {
        func message(_ text: String) -> String {
            do { _ = try Network<Double>(json: Data(text.utf8)); return "loaded" } catch { return "\(error)" }
        }
        let good = String(decoding: try Network<Double>(Self.arch, initializer: .he, seed: 5).jsonData(), as: UTF8.self)
        #expect(message(String(good.prefix(good.count / 2))).contains("invalid model file"))
        #expect(message("{}").contains("missing"))
        #expect(message(good.replacingOccurrences(of: "\"softmax_ce\"", with: "\"nope\"")).contains("architecture"))
        #expect(message(good.replacingOccurrences(of: "backprop-model", with: "other")).contains("format"))
        // One weight too few in the first layer.
        let broken = good.replacingOccurrences(of: #"\{"bias":\[[^\]]*\],"weight":\[\["#, with: #"{"bias":[0,0,0,0],"weight":[["#, options: .regularExpression)
        let shorter = broken.replacingOccurrences(of: #"\[\[[-0-9.e]+,"#, with: "[[", options: .regularExpression)
        #expect(message(shorter).contains("invalid model file"))
        #expect(message("") .contains("invalid model file"))
    }
}
