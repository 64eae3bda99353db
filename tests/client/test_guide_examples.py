"""Every example of the vendor's guide (../shared/plcloud-api/api-guide.zh.rst), in its order,
written with our client and run against the sandbox. `.ci/run` runs this file in both wire
profiles (PLCLOUD_TEST_WIRE): the default, and only what the SDK reads.

The guide's calls are the SDK's; ours keep their names and arguments. Where the guide slips
(`cdn.recharge(flow)` passes the flow as the SDK's first argument, the project id), the call is
used as meant: 10 GB to the token's own project.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from plcloud import Client
from tests.helpers import wait_for

# The guide's own values.
USERNAME, PASSWORD, TENANT_NAME = "demo", "secreetword", "demo"


@pytest.fixture
def plcloud(sandbox):
    """身份认证API: ``client.Client(username=, password=, tenant_name=, auth_url=)``."""
    with Client(username=USERNAME, password=PASSWORD, tenant_name=TENANT_NAME, auth_url=sandbox.auth_url) as plcloud:
        yield plcloud


@pytest.fixture
def domain(plcloud):
    """新建CDN, with the guide's data: mainland China and no ICP record."""
    data = {
        "domain": f"g{uuid.uuid4().hex[:10]}.guide-example.com",
        "origin_ips": ["114.114.114.114"],
        "areas": ["cn"],
        "type": "web",
        "icp_record": None,
    }
    result = plcloud.cdn.create(**data)
    assert result["domainName"] == data["domain"] and result["areas"] == ["cn"]
    yield result
    plcloud.cdn.delete(result["domainId"])


def test_the_cdn_examples(plcloud, domain):
    domain_id = domain["domainId"]
    # 显示CDN域名列表
    assert domain_id in [d["domainId"] for d in plcloud.cdn.list()]
    # 更新CDN
    data = {"origin_ips": ["114.114.114.114"], "areas": ["cn"]}
    result = plcloud.cdn.update(domain_id, **data)
    assert isinstance(result, dict)
    # 获取单个CDN
    result = plcloud.cdn.get(domain_id)
    assert (result["domainId"], result["origin_ips"], result["areas"]) == (domain_id, ["114.114.114.114"], ["cn"])
    # 获取CDN流量
    result = plcloud.cdn.flow(domain_id)
    assert isinstance(result, list)
    # 充值 (as meant: 10 GB to the token's project)
    result = plcloud.cdn.recharge(10)
    assert isinstance(result, dict)


def test_the_common_url_examples(plcloud, domain):
    urls = [f"http://{domain['domainName']}/guide/{n}.js" for n in range(3)]
    # 创建常用链接: the SDK reads an object here; our client gives the items when it names them.
    result = plcloud.cdn.create_urls(urls)
    assert result is None or [item["url"] for item in result] == urls
    # 常用链接列表
    listed = {item["url"]: item["id"] for item in plcloud.cdn.list_urls()}
    assert set(urls) <= set(listed)
    # 删除常用链接
    for url in urls:
        plcloud.cdn.delete_urls(listed[url])
    assert not set(urls) & {item["url"] for item in plcloud.cdn.list_urls()}


def test_the_flush_log_and_prefetch_examples(plcloud, www):
    domain_id = www["domainId"]
    # 缓存刷新
    result = plcloud.cdn.cache_flush(
        domain_id, ["https://www.demo-shop.com/guide.css"], ["https://www.demo-shop.com/g/"]
    )
    assert isinstance(result, dict)
    # 日志: a minute of the busy seeded domain, whole (the guide's call has no paging)
    end_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    result = plcloud.cdn.request_log(domain_id, "cache", end_at - timedelta(minutes=1), end_at)
    assert result and all(isinstance(entry, dict) for entry in result)
    # 文件预取
    result = plcloud.cdn.prefetch(["https://www.demo-shop.com/guide-prefetch.js"])
    request_id = result["request_id"]
    # 文件预取进度查询
    result = plcloud.cdn.prefetch_query(request_id)
    assert isinstance(result, dict)


def test_the_ticket_examples(plcloud):
    summary = f"Guide example {uuid.uuid4().hex[:8]}"
    # 工单创建
    ticket = plcloud.ticket.create(summary, "The guide's ticket example.")
    ticket_id = ticket["id"]
    # 工单列表 (the token's user's; and by user id, as the guide passes one)
    assert ticket_id in [t["id"] for t in plcloud.ticket.list()]
    assert ticket_id in [t["id"] for t in plcloud.ticket.list(plcloud.user_id)]
    # 单个工单
    assert plcloud.ticket.get(ticket_id)["summary"] == summary
    # 工单回复
    plcloud.ticket.reply(ticket_id, "A reply, as the guide sends one.")
    # 工单回复列表
    assert "A reply, as the guide sends one." in [r["content"] for r in plcloud.ticket.list_reply(ticket_id)]
    # 更新工单状态
    plcloud.ticket.update(ticket_id, "closed")
    wait_for(lambda: plcloud.ticket.get(ticket_id)["status"] == "closed", timeout=5)
