-- kestrel-mctp.lua: Wireshark/tshark dissector for MCTP as Linux captures it
-- (LINKTYPE_LINUX_SLL, protocol 0x00FA) and as `kestrel-mctp --pcap` writes
-- it. tshark 4.0 (Debian bookworm) has no MCTP dissector; 4.2 added one.
--
--   tshark -X lua_script:tools/wireshark/kestrel-mctp.lua -r cap.pcap -O mctp,mctpc,mctpv,nvmemi
--
-- Protocols:
--   mctp    DSP0236 transport header (version, EIDs, SOM/EOM/seq/TO/tag)
--           and reassembly of fragmented messages (in capture order)
--   mctpc   control messages (DSP0236 §11-12): Rq/D/IID, command, cc and
--           the common commands' fields
--   mctpv   Code Construct vendor messages (type 0x7E, CC DE): echo, bench
--   nvmemi  NVMe-MI 1.2 (type 0x04 with IC): header, opcode, status, MIC
--           (checked: CRC-32C)

local mctp = Proto("mctp", "Management Component Transport Protocol")
local mctpc = Proto("mctpc", "MCTP Control")
local mctpv = Proto("mctpv", "MCTP Vendor (Code Construct)")
local nvmemi = Proto("nvmemi", "NVMe-MI over MCTP")

local msg_types = {
    [0x00] = "MCTP Control", [0x01] = "PLDM", [0x02] = "NC-SI", [0x03] = "Ethernet",
    [0x04] = "NVMe-MI", [0x05] = "SPDM", [0x06] = "Secured Messages", [0x07] = "CXL FM-API",
    [0x08] = "CXL CCI", [0x09] = "PCIe-MI", [0x7e] = "Vendor Defined (PCI)",
    [0x7f] = "Vendor Defined (IANA)",
}
local ctrl_cmds = {
    [0x01] = "Set Endpoint ID", [0x02] = "Get Endpoint ID", [0x03] = "Get Endpoint UUID",
    [0x04] = "Get MCTP Version Support", [0x05] = "Get Message Type Support",
    [0x06] = "Get Vendor Defined Message Support", [0x07] = "Resolve Endpoint ID",
    [0x08] = "Allocate Endpoint IDs", [0x09] = "Routing Information Update",
    [0x0a] = "Get Routing Table Entries", [0x0b] = "Prepare for Endpoint Discovery",
    [0x0c] = "Endpoint Discovery", [0x0d] = "Discovery Notify", [0x0e] = "Get Network ID",
}
local ccodes = {
    [0x00] = "Success", [0x01] = "Error", [0x02] = "Invalid Data", [0x03] = "Invalid Length",
    [0x04] = "Not Ready", [0x05] = "Unsupported Command",
}
local nmimt_names = {
    [0] = "Control Primitive", [1] = "NVMe-MI Command", [2] = "NVMe Admin Command",
    [4] = "PCIe Command",
}
local mi_ops = {
    [0x00] = "Read NVMe-MI Data Structure", [0x01] = "NVM Subsystem Health Status Poll",
    [0x02] = "Controller Health Status Poll", [0x03] = "Configuration Set",
    [0x04] = "Configuration Get", [0x05] = "VPD Read", [0x06] = "VPD Write", [0x07] = "Reset",
    [0x08] = "SES Receive", [0x09] = "SES Send", [0x0a] = "MEB Read", [0x0b] = "MEB Write",
    [0x0c] = "Shutdown",
}
local admin_ops = {
    [0x02] = "Get Log Page", [0x06] = "Identify", [0x09] = "Set Features",
    [0x0a] = "Get Features",
}
local mi_status = {
    [0x00] = "Success", [0x01] = "More Processing Required", [0x02] = "Internal Error",
    [0x03] = "Invalid Command Opcode", [0x04] = "Invalid Parameter",
    [0x05] = "Invalid Command Size", [0x06] = "Invalid Command Input Data Size",
    [0x07] = "Access Denied", [0x20] = "VPD Updates Exceeded", [0x21] = "PCIe Inaccessible",
}

local f = {
    ver = ProtoField.uint8("mctp.version", "Header version", base.DEC, nil, 0x0f),
    dst = ProtoField.uint8("mctp.dst", "Destination EID", base.DEC),
    src = ProtoField.uint8("mctp.src", "Source EID", base.DEC),
    som = ProtoField.bool("mctp.som", "Start of message", 8, nil, 0x80),
    eom = ProtoField.bool("mctp.eom", "End of message", 8, nil, 0x40),
    seq = ProtoField.uint8("mctp.seq", "Packet sequence", base.DEC, nil, 0x30),
    to = ProtoField.bool("mctp.to", "Tag owner", 8, nil, 0x08),
    tag = ProtoField.uint8("mctp.tag", "Message tag", base.DEC, nil, 0x07),
    ic = ProtoField.bool("mctp.ic", "Integrity check", 8, nil, 0x80),
    type = ProtoField.uint8("mctp.type", "Message type", base.HEX, msg_types, 0x7f),
    frag = ProtoField.bytes("mctp.fragment", "Fragment"),
    msglen = ProtoField.uint32("mctp.msg_len", "Reassembled message length", base.DEC),
}
mctp.fields = { f.ver, f.dst, f.src, f.som, f.eom, f.seq, f.to, f.tag, f.ic, f.type, f.frag,
    f.msglen }

local fc = {
    rq = ProtoField.bool("mctpc.rq", "Request", 8, nil, 0x80),
    d = ProtoField.bool("mctpc.d", "Datagram", 8, nil, 0x40),
    iid = ProtoField.uint8("mctpc.iid", "Instance ID", base.DEC, nil, 0x1f),
    cmd = ProtoField.uint8("mctpc.cmd", "Command", base.HEX, ctrl_cmds),
    cc = ProtoField.uint8("mctpc.cc", "Completion code", base.HEX, ccodes),
    eid = ProtoField.uint8("mctpc.eid", "Endpoint ID", base.DEC),
    op = ProtoField.uint8("mctpc.set_eid_op", "Set EID operation", base.DEC,
        { [0] = "Set", [1] = "Force", [2] = "Reset", [3] = "Set discovered" }, 0x03),
    eidtype = ProtoField.uint8("mctpc.eid_type", "Endpoint type", base.HEX),
    uuid = ProtoField.guid("mctpc.uuid", "UUID"),
    mtype = ProtoField.uint8("mctpc.msg_type", "Supported message type", base.HEX, msg_types),
    version = ProtoField.uint32("mctpc.version", "Version", base.HEX),
    sel = ProtoField.uint8("mctpc.vdm_selector", "Vendor ID set selector", base.HEX),
    vid = ProtoField.uint16("mctpc.vdm_vid", "PCI vendor ID", base.HEX),
}
mctpc.fields = { fc.rq, fc.d, fc.iid, fc.cmd, fc.cc, fc.eid, fc.op, fc.eidtype, fc.uuid, fc.mtype,
    fc.version, fc.sel, fc.vid }

local fv = {
    vid = ProtoField.uint16("mctpv.vid", "PCI vendor ID", base.HEX),
    sub = ProtoField.uint8("mctpv.subtype", "Sub-type", base.HEX,
        { [0xf0] = "Echo", [0xf1] = "Bench" }),
    payload = ProtoField.bytes("mctpv.payload", "Payload"),
    magic = ProtoField.uint16("mctpv.bench_magic", "Bench magic", base.HEX,
        { [0xbeca] = "Data", [0x22dd] = "Command" }),
    seq = ProtoField.uint32("mctpv.bench_seq", "Bench sequence", base.DEC),
    bcmd = ProtoField.uint8("mctpv.bench_cmd", "Bench command", base.DEC,
        { [0] = "Response", [1] = "Request bench" }),
    iid = ProtoField.uint32("mctpv.bench_iid", "Bench instance", base.HEX),
    size = ProtoField.uint16("mctpv.bench_size", "Bench payload size", base.DEC),
    count = ProtoField.uint64("mctpv.bench_count", "Bench message count", base.DEC),
    status = ProtoField.uint8("mctpv.bench_status", "Bench status", base.DEC,
        { [0] = "OK", [1] = "Error", [2] = "Unknown command", [3] = "Bad argument" }),
}
mctpv.fields = { fv.vid, fv.sub, fv.payload, fv.magic, fv.seq, fv.bcmd, fv.iid, fv.size, fv.count,
    fv.status }

local fn = {
    ror = ProtoField.bool("nvmemi.ror", "Response", 8, nil, 0x80),
    nmimt = ProtoField.uint8("nvmemi.nmimt", "NVMe-MI message type", base.DEC, nmimt_names, 0x78),
    csi = ProtoField.uint8("nvmemi.csi", "Command slot", base.DEC, nil, 0x01),
    miop = ProtoField.uint8("nvmemi.mi_opcode", "NVMe-MI opcode", base.HEX, mi_ops),
    adop = ProtoField.uint8("nvmemi.admin_opcode", "Admin opcode", base.HEX, admin_ops),
    dw0 = ProtoField.uint32("nvmemi.dword0", "DWORD0", base.HEX),
    dw1 = ProtoField.uint32("nvmemi.dword1", "DWORD1", base.HEX),
    ctlid = ProtoField.uint16("nvmemi.ctlid", "Controller ID", base.DEC),
    cdw10 = ProtoField.uint32("nvmemi.cdw10", "CDW10", base.HEX),
    dlen = ProtoField.uint32("nvmemi.dlen", "Data length", base.DEC),
    status = ProtoField.uint8("nvmemi.status", "Status", base.HEX, mi_status),
    data = ProtoField.bytes("nvmemi.data", "Data"),
    mic = ProtoField.uint32("nvmemi.mic", "MIC", base.HEX),
    mic_ok = ProtoField.bool("nvmemi.mic_ok", "MIC valid"),
}
nvmemi.fields = { fn.ror, fn.nmimt, fn.csi, fn.miop, fn.adop, fn.dw0, fn.dw1, fn.ctlid, fn.cdw10,
    fn.dlen, fn.status, fn.data, fn.mic, fn.mic_ok }

-- CRC-32C (Castagnoli), reflected 0x82F63B78; Lua 5.2 bit32.
local crc_table = {}
for i = 0, 255 do
    local c = i
    for _ = 1, 8 do
        if bit32.band(c, 1) ~= 0 then
            c = bit32.bxor(bit32.rshift(c, 1), 0x82F63B78)
        else
            c = bit32.rshift(c, 1)
        end
    end
    crc_table[i] = c
end
local function crc32c(tvb, len)
    local c = 0xFFFFFFFF
    for i = 0, len - 1 do
        c = bit32.bxor(crc_table[bit32.band(bit32.bxor(c, tvb(i, 1):uint()), 0xff)],
            bit32.rshift(c, 8))
    end
    return bit32.bxor(c, 0xFFFFFFFF)
end

local function dissect_control(tvb, pinfo, tree)
    local t = tree:add(mctpc, tvb())
    if tvb:len() < 3 then return end
    local b1 = tvb(1, 1):uint()
    local rq = bit32.band(b1, 0x80) ~= 0
    local cmd = tvb(2, 1):uint()
    t:add(fc.rq, tvb(1, 1)); t:add(fc.d, tvb(1, 1)); t:add(fc.iid, tvb(1, 1))
    t:add(fc.cmd, tvb(2, 1))
    local name = ctrl_cmds[cmd] or string.format("Command 0x%02x", cmd)
    pinfo.cols.protocol = "MCTP-CTRL"
    pinfo.cols.info = string.format("%s %s", name, rq and "request" or "response")
    local off = 3
    if not rq then
        if tvb:len() < 4 then return end
        t:add(fc.cc, tvb(3, 1))
        off = 4
        if tvb(3, 1):uint() ~= 0 then return end
        if (cmd == 0x02 or cmd == 0x01) and tvb:len() >= off + 2 then
            if cmd == 0x01 then off = off + 1 end
            t:add(fc.eid, tvb(off, 1))
            pinfo.cols.info:append(" EID " .. tvb(off, 1):uint())
            if cmd == 0x02 then t:add(fc.eidtype, tvb(off + 1, 1)) end
        elseif cmd == 0x03 and tvb:len() >= off + 16 then
            t:add(fc.uuid, tvb(off, 16))
        elseif cmd == 0x05 and tvb:len() > off then
            local n = tvb(off, 1):uint()
            for i = 1, n do
                if off + i < tvb:len() then t:add(fc.mtype, tvb(off + i, 1)) end
            end
        elseif cmd == 0x04 and tvb:len() > off then
            local n = tvb(off, 1):uint()
            for i = 0, n - 1 do
                if off + 1 + 4 * i + 4 <= tvb:len() then
                    t:add(fc.version, tvb(off + 1 + 4 * i, 4))
                end
            end
        elseif cmd == 0x06 and tvb:len() >= off + 4 then
            t:add(fc.sel, tvb(off, 1))
            if tvb(off + 1, 1):uint() == 0 and tvb:len() >= off + 4 then
                t:add(fc.vid, tvb(off + 2, 2))
            end
        end
    else
        if cmd == 0x01 and tvb:len() >= 5 then
            t:add(fc.op, tvb(3, 1)); t:add(fc.eid, tvb(4, 1))
            pinfo.cols.info:append(" EID " .. tvb(4, 1):uint())
        elseif cmd == 0x06 and tvb:len() >= 4 then
            t:add(fc.sel, tvb(3, 1))
        end
    end
end

local function dissect_vendor(tvb, pinfo, tree)
    local t = tree:add(mctpv, tvb())
    pinfo.cols.protocol = "MCTP-VDM"
    if tvb:len() < 4 then return end
    t:add(fv.vid, tvb(1, 2))
    t:add(fv.sub, tvb(3, 1))
    local sub = tvb(3, 1):uint()
    if sub == 0xf0 then
        pinfo.cols.info = string.format("Echo, %d bytes", tvb:len() - 4)
        if tvb:len() > 4 then t:add(fv.payload, tvb(4)) end
    elseif sub == 0xf1 and tvb:len() >= 6 then
        t:add_le(fv.magic, tvb(4, 2))
        local magic = tvb(4, 2):le_uint()
        if magic == 0xbeca and tvb:len() >= 10 then
            t:add_le(fv.seq, tvb(6, 4))
            pinfo.cols.info = string.format("Bench data seq %u", tvb(6, 4):le_uint())
        elseif magic == 0x22dd and tvb:len() >= 12 then
            t:add(fv.bcmd, tvb(7, 1)); t:add_le(fv.iid, tvb(8, 4))
            if tvb(7, 1):uint() == 1 and tvb:len() >= 26 then
                t:add_le(fv.size, tvb(16, 2)); t:add_le(fv.count, tvb(18, 8))
                pinfo.cols.info = string.format("Bench request, %d-byte messages",
                    tvb(16, 2):le_uint())
            elseif tvb:len() >= 13 then
                t:add(fv.status, tvb(12, 1))
                pinfo.cols.info = "Bench response"
            end
        end
    end
end

local function dissect_nvme_mi(tvb, pinfo, tree)
    local t = tree:add(nvmemi, tvb())
    pinfo.cols.protocol = "NVMe-MI"
    local len = tvb:len()
    if len < 8 then return end
    t:add(fn.ror, tvb(1, 1)); t:add(fn.nmimt, tvb(1, 1)); t:add(fn.csi, tvb(1, 1))
    local resp = bit32.band(tvb(1, 1):uint(), 0x80) ~= 0
    local nmimt = bit32.rshift(bit32.band(tvb(1, 1):uint(), 0x78), 3)
    local body_end = len - 4
    if resp then
        t:add(fn.status, tvb(4, 1))
        local st = tvb(4, 1):uint()
        pinfo.cols.info = string.format("%s response: %s", nmimt_names[nmimt] or "?",
            mi_status[st] or string.format("0x%02x", st))
        local hdr = nmimt == 2 and 20 or 8
        if body_end > hdr then t:add(fn.data, tvb(hdr, body_end - hdr)) end
    elseif nmimt == 1 and len >= 20 then
        t:add(fn.miop, tvb(4, 1)); t:add_le(fn.dw0, tvb(8, 4)); t:add_le(fn.dw1, tvb(12, 4))
        pinfo.cols.info = (mi_ops[tvb(4, 1):uint()] or "MI opcode") .. " request"
    elseif nmimt == 2 and len >= 72 then
        t:add(fn.adop, tvb(4, 1)); t:add_le(fn.ctlid, tvb(6, 2)); t:add_le(fn.dlen, tvb(32, 4))
        t:add_le(fn.cdw10, tvb(44, 4))
        pinfo.cols.info = "Admin " .. (admin_ops[tvb(4, 1):uint()] or "command") .. " request"
    else
        pinfo.cols.info = (nmimt_names[nmimt] or "NVMe-MI") .. " request"
    end
    t:add_le(fn.mic, tvb(body_end, 4))
    local ok = crc32c(tvb, body_end) == tvb(body_end, 4):le_uint()
    t:add(fn.mic_ok, ok)
    if not ok then pinfo.cols.info:append(" [bad MIC]") end
end

local function dissect_message(tvb, pinfo, tree)
    local ty = bit32.band(tvb(0, 1):uint(), 0x7f)
    if ty == 0x00 then
        dissect_control(tvb, pinfo, tree)
    elseif ty == 0x7e then
        dissect_vendor(tvb, pinfo, tree)
    elseif ty == 0x04 then
        dissect_nvme_mi(tvb, pinfo, tree)
    end
end

-- reassembly: (src, dst, tag, to) -> bytes so far; fragments carry the number
-- of the packet that completes them, valid on tshark's single pass
local partial = {}
local done = {}

function mctp.init()
    partial = {}
    done = {}
end

function mctp.dissector(tvb, pinfo, tree)
    if tvb:len() < 5 then return 0 end
    pinfo.cols.protocol = "MCTP"
    local t = tree:add(mctp, tvb(0, 4))
    t:add(f.ver, tvb(0, 1)); t:add(f.dst, tvb(1, 1)); t:add(f.src, tvb(2, 1))
    local fl = tvb(3, 1)
    t:add(f.som, fl); t:add(f.eom, fl); t:add(f.seq, fl); t:add(f.to, fl); t:add(f.tag, fl)
    local flags = fl:uint()
    local som = bit32.band(flags, 0x80) ~= 0
    local eom = bit32.band(flags, 0x40) ~= 0
    local key = string.format("%d-%d-%d", tvb(2, 1):uint(), tvb(1, 1):uint(),
        bit32.band(flags, 0x0f))
    pinfo.cols.info = string.format("%d -> %d tag %d%s", tvb(2, 1):uint(), tvb(1, 1):uint(),
        bit32.band(flags, 7), bit32.band(flags, 8) ~= 0 and " (TO)" or "")
    if som then
        t:add(f.ic, tvb(4, 1)); t:add(f.type, tvb(4, 1))
    end
    local payload = tvb(4):bytes()
    if som and eom then
        dissect_message(tvb(4):tvb(), pinfo, tree)
        return tvb:len()
    end
    if done[pinfo.number] then
        local ba = done[pinfo.number]
        local rt = ba:tvb("Reassembled MCTP message")
        t:add(f.msglen, ba:len())
        dissect_message(rt, pinfo, tree)
        return tvb:len()
    end
    t:add(f.frag, tvb(4))
    if som then
        partial[key] = payload
    elseif partial[key] then
        partial[key]:append(payload)
        if eom then
            done[pinfo.number] = partial[key]
            partial[key] = nil
            local rt = done[pinfo.number]:tvb("Reassembled MCTP message")
            t:add(f.msglen, done[pinfo.number]:len())
            dissect_message(rt, pinfo, tree)
            return tvb:len()
        end
    end
    pinfo.cols.info:append(" [fragment]")
    return tvb:len()
end

DissectorTable.get("sll.ltype"):add(0x00fa, mctp)
