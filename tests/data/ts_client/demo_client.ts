// Copyright 2026 rest_endpoint authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
// A client of every demo operation, typed end to end by the types
// openapi-typescript generates from the demo's OpenAPI document (schema.d.ts,
// written next to this file by tests/test_openapi_typescript.py) and checked
// with `tsc --strict`: each call's body must type-check as written, and each
// answer is read into explicit types (an `unknown` or object-only type fails).
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type RpcId = string | number | null;
type Customer = { id: number; name: string | null; email: string | null; phone: string | null };
type ApiError = components["schemas"]["Error"];

const client = createClient<paths>({
    baseUrl: "http://127.0.0.1:8069",
    headers: { Authorization: "Bearer KEY" },
});

function errorMessage(error: ApiError | undefined): string | undefined {
    return error?.message;
}

// The shipment notice's body, typed from the schema the document derives
// from the endpoint's XSD (attributes and repeated elements included).
type ShipmentNotice =
    paths["/api/shipments/notice"]["post"]["requestBody"]["content"]["application/xml"];

function escapeXml(text: string | number): string {
    return String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Written in the order the document gives (the XSD's sequence).
function shipmentXml(notice: ShipmentNotice): string {
    const packages = notice.package
        .map((p) => `<package sku="${escapeXml(p.sku)}" qty="${escapeXml(p.qty)}"/>`)
        .join("");
    return (
        `<shipmentNotice reference="${escapeXml(notice.reference)}">` +
        `<carrier>${escapeXml(notice.carrier)}</carrier>` +
        `<trackingNumber>${escapeXml(notice.trackingNumber)}</trackingNumber>` +
        `<shippedAt>${escapeXml(notice.shippedAt)}</shippedAt>${packages}</shipmentNotice>`
    );
}

export async function everyDemoOperation(): Promise<string[]> {
    const seen: string[] = [];

    // mobile: the hand-written snippets
    const created = await client.POST("/api/mobile/customer", {
        body: { name: "Jane Doe", email: "jane@example.com", phone: "+1 555 0101" },
    });
    const id: number = created.data ? created.data.data.id : 0;
    const read = await client.GET("/api/mobile/customer/{customer_id}", {
        params: { path: { customer_id: id } },
    });
    const customer: Customer | undefined = read.data?.data;
    seen.push(customer?.email ?? "", errorMessage(read.error) ?? "");
    const updated = await client.PUT("/api/mobile/customer/{customer_id}", {
        params: { path: { customer_id: id } },
        body: { phone: "+1 555 0100" },
    });
    const phone: string | null | undefined = updated.data?.data.phone;
    seen.push(phone ?? "");
    const deleted = await client.DELETE("/api/mobile/customer/{customer_id}", {
        params: { path: { customer_id: id } },
    });
    const deletedId: number | undefined = deleted.data?.data.id;
    seen.push(String(deletedId));

    // JSON-RPC: the envelope, its params and its answer are typed
    const rpcId: RpcId = 1;
    const search = await client.POST("/api/mobile/customer/search", {
        body: { jsonrpc: "2.0", method: "call", params: { query: "deco", limit: 5 }, id: rpcId },
    });
    if (search.data) {
        const answeredId: RpcId = search.data.id;
        const count: number = search.data.result.count;
        const names: (string | null)[] = search.data.result.customers.map((c) => c.name);
        seen.push(String(answeredId), String(count), ...names.map(String));
    }
    if (search.error) {
        const errorId: RpcId = search.error.id;
        seen.push(String(errorId));
    }

    // orders: a body checked by a JSON Schema
    const order = await client.POST("/api/orders", {
        body: {
            reference: "PO-2026-0001",
            customer: { email: "admin@example.com" },
            lines: [{ sku: "CHAIR-01", qty: 4, unit_price: 89.5 }],
        },
    });
    const customerId: number | null | undefined = order.data?.data.customer_id;
    const total: number | undefined = order.data?.data.amount_total;
    seen.push(String(customerId), String(total));

    // logistics: an XML body, typed by the schema derived from its XSD
    const notice = await client.POST("/api/shipments/notice", {
        body: {
            reference: "PO-2026-0001",
            carrier: "ACME",
            trackingNumber: "1Z999AA10123456784",
            shippedAt: "2026-12-01T10:00:00Z",
            package: [
                { sku: "CHAIR-01", qty: 4 },
                { sku: "DESK-02", qty: 1 },
            ],
        },
        bodySerializer: shipmentXml,
        headers: { "Content-Type": "application/xml" },
    });
    const units: number | undefined = notice.data?.data.units;
    seen.push(String(units));

    // a scoped endpoint (mobile): OAuth access tokens or keys of that scope
    const profile = await client.GET("/api/mobile/profile");
    seen.push(String(profile.response.status));

    // the model resource: list, create, read, update (PUT and PATCH), delete
    const page = await client.GET("/api/v1/customers", {
        params: { query: { limit: 5, order: "name desc" } },
    });
    // a list page, or a sync page (after=...): only a list page has a total
    const meta = page.data?.meta;
    const total2: number | undefined = meta && "total" in meta ? meta.total : undefined;
    seen.push(String(total2));
    const made = await client.POST("/api/v1/customers", {
        body: { name: "Acme", email: "hello@acme.example" },
    });
    // a JSON array body creates several: the answer's data is then a list
    const madeData = made.data?.data;
    const rid: number = madeData && !Array.isArray(madeData) ? madeData.id : 0;
    const bulk = await client.POST("/api/v1/customers", {
        body: [{ name: "Acme 2" }, { name: "Acme 3" }],
    });
    const many = bulk.data?.data;
    const bulkIds: number[] = Array.isArray(many) ? many.map((row) => row.id) : [];
    seen.push(String(bulkIds.length));
    const got = await client.GET("/api/v1/customers/{id}", { params: { path: { id: rid } } });
    const isCompany: boolean | undefined = got.data?.data.is_company;
    const put = await client.PUT("/api/v1/customers/{id}", {
        params: { path: { id: rid } },
        body: { phone: "+32 2 555 01 00" },
    });
    const patched = await client.PATCH("/api/v1/customers/{id}", {
        params: { path: { id: rid } },
        body: { city: null },
    });
    const city: string | null | undefined = patched.data?.data.city;
    const removed = await client.DELETE("/api/v1/customers/{id}", { params: { path: { id: rid } } });
    seen.push(String(isCompany), String(put.response.status), String(city), String(removed.response.status));
    return seen;
}
