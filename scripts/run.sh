#!/usr/bin/env bash
# make run: installs what is missing, builds, creates data/demo.db with the Fuxin demo when
# absent, and serves it on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
make -s all
mkdir -p data
if [ ! -f data/demo.db ]; then
  build/yiwang demo --db data/demo.db
fi
listen=${YIWANG_LISTEN:-127.0.0.1:8080}
cat <<MSG

  yiwang (一网) — http://$listen
  Demo logins (password: yiwang-demo):
    admin      系统管理员（全市）
    agent      8890 热线话务员
    leader     市领导
    zhujian    市住房和城乡建设局
    haizhou    海州区      xihe   细河区
    zhanqian   站前街道    grid01 站前街道网格员
    mediator   海州区矛盾纠纷调解中心调解员
    hjd_mediator  韩家店镇矛盾纠纷调解中心    dwf_mediator  东瓦房村人民调解委员会
    congress   市人大常委会
    deputy01 … deputy40   人大代表
    grid02     东瓦房村第一网格网格员      xinhua  新华社区指挥站（派遣 grid01 的事件）
    dwf_service  东瓦房村便民服务站代办员  hz_hall 海州区政务服务中心
    party_org  市委组织部    dwf_branch 东瓦房村党支部书记    member01 党员
    fagai      市发展和改革委员会（项目库）   ducha  市政府督查室（调度、重点问题）

MSG
exec build/yiwang serve --db data/demo.db --listen "$listen"
